using AgentDb.Kernels;
using AgentDb.Server.Bench.Ann.Candidates;
using AgentDb.Server.Bench.Ann.Data;

namespace AgentDb.Server.Bench.Ann.Options;

/// <summary>The options of <c>agentdb bench ann</c> (a benchmark run), validated.</summary>
internal sealed class AnnRunOptions
{
    /// <summary>The usage text printed with <c>--help</c> and after a usage error.</summary>
    public const string Usage = """
        usage: agentdb bench ann (--base FILE --query FILE [--gt FILE] | --generate N,Q,DIM,CLUSTERS [--seed S]) [options]
               agentdb bench ann prepare-minilm --out DIR [--count N] [...]   (see: prepare-minilm --help)

        Measures approximate nearest-neighbour indexes on one data set: build time, memory, and for each ef the
        recall@k and single-thread queries per second. Writes a table to the console, results.json and
        recall-qps.svg to --out.

        data (one of):
          --base FILE            base vectors, .fvecs
          --query FILE           query vectors, .fvecs
          --gt FILE              exact neighbours of each query, .ivecs (default: computed and cached in --out)
          --generate N,Q,DIM,CLUSTERS
                                 a seeded clustered-Gaussian set (cached in --out)
          --seed S               seed of --generate (default 42)
        options:
          --metric cosine|l2|dot distance (default cosine)
          --k K                  neighbours per query and the k of recall@k (default 10, at most 100)
          --ef-list A,B,...      search breadths to sweep (default 16,32,64,128,256)
          --threads T            threads for builds and ground truth (default: all cores)
          --candidates A,B,...   of agentdb-hnsw, brute, usearch, hnswlib (default: all), agentdb-hnsw-batched
          --skip-single-thread-build
                                 do not also time each build on one thread
          --out DIR              where results and caches go (default bench-results/ann)
          --python PATH          interpreter for the hnswlib peer (default /usr/bin/python3)
          --hnswlib-script PATH  the hnswlib peer (default: bench/ann/hnswlib_peer.py, found upwards from here)
        exit status: 0 done, 1 failed (message on stderr), 2 bad usage
        """;

    private static readonly HashSet<string> s_valued =
        ["base", "query", "gt", "generate", "seed", "metric", "k", "ef-list", "threads", "candidates", "out", "python", "hnswlib-script"];

    private static readonly HashSet<string> s_flags = ["skip-single-thread-build", "help"];

    private AnnRunOptions()
    {
    }

    /// <summary>The base vectors file, when the data comes from files.</summary>
    public string? BasePath { get; private init; }

    /// <summary>The query vectors file, when the data comes from files.</summary>
    public string? QueryPath { get; private init; }

    /// <summary>The ground-truth file, when given.</summary>
    public string? GroundTruthPath { get; private init; }

    /// <summary>The synthetic data set, when the data is generated.</summary>
    public GenerateSpec? Generate { get; private init; }

    /// <summary>How distances are measured.</summary>
    public DistanceMetric Metric { get; private init; } = DistanceMetric.Cosine;

    /// <summary>Neighbours per query.</summary>
    public int K { get; private init; } = 10;

    /// <summary>The sweep.</summary>
    public IReadOnlyList<int> EfList { get; private init; } = [16, 32, 64, 128, 256];

    /// <summary>Threads for builds and ground truth.</summary>
    public int Threads { get; private init; } = Environment.ProcessorCount;

    /// <summary>The candidates to run, in order.</summary>
    public IReadOnlyList<string> Candidates { get; private init; } = CandidateCatalog.All;

    /// <summary>Whether each build is also timed on one thread.</summary>
    public bool MeasureSingleThreadBuild { get; private init; } = true;

    /// <summary>The output directory.</summary>
    public string OutputDirectory { get; private init; } = Path.Combine("bench-results", "ann");

    /// <summary>The interpreter for the hnswlib peer.</summary>
    public string Python { get; private init; } = HnswlibCandidate.DefaultPython;

    /// <summary>The hnswlib peer script, when given.</summary>
    public string? HnswlibScript { get; private init; }

    /// <summary>Whether only the usage text was asked for.</summary>
    public bool HelpRequested { get; private init; }

    /// <summary>Parses and validates <paramref name="args"/>; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(IReadOnlyList<string> args, out AnnRunOptions options, out string? error)
    {
        options = new AnnRunOptions();
        if (!OptionReader.TryRead(args, s_valued, s_flags, out OptionReader reader, out error))
        {
            return false;
        }

        if (reader.Has("help"))
        {
            options = new AnnRunOptions { HelpRequested = true };
            return true;
        }

        bool fromFiles = reader.Has("base") || reader.Has("query") || reader.Has("gt");
        GenerateSpec? generate = null;
        if (reader.Has("generate"))
        {
            if (fromFiles)
            {
                error = "--generate cannot be combined with --base, --query or --gt.";
                return false;
            }

            if (!reader.TryGetInt("seed", 42, int.MinValue, int.MaxValue, out int seed, out error)
                || !TryParseGenerate(reader.GetString("generate")!, seed, out generate, out error))
            {
                return false;
            }
        }
        else if (!fromFiles)
        {
            error = "give the data: --base FILE --query FILE [--gt FILE], or --generate N,Q,DIM,CLUSTERS.";
            return false;
        }
        else if (reader.Has("seed"))
        {
            error = "--seed applies only to --generate.";
            return false;
        }
        else if (!CheckFile(reader, "base", required: true, out error)
            || !CheckFile(reader, "query", required: true, out error)
            || !CheckFile(reader, "gt", required: false, out error))
        {
            return false;
        }

        if (!TryParseMetric(reader.GetString("metric", "cosine")!, out DistanceMetric metric, out error)
            || !reader.TryGetInt("k", 10, 1, GroundTruth.DefaultWidth, out int k, out error)
            || !reader.TryGetInt("threads", Environment.ProcessorCount, 1, 1024, out int threads, out error))
        {
            return false;
        }

        if (!OptionReader.TryParseIntList(reader.GetString("ef-list", "16,32,64,128,256")!, "--ef-list", 1, 1 << 20, out int[] efList, out error))
        {
            return false;
        }

        if (efList.Distinct().Count() != efList.Length)
        {
            error = "--ef-list repeats a value.";
            return false;
        }

        if (!TryParseCandidates(reader.GetString("candidates"), out IReadOnlyList<string> candidates, out error))
        {
            return false;
        }

        string? script = reader.GetString("hnswlib-script");
        if (script is not null && !File.Exists(script))
        {
            error = $"--hnswlib-script: {script} does not exist.";
            return false;
        }

        string outputDirectory = reader.GetString("out", Path.Combine("bench-results", "ann"))!;
        if (outputDirectory.Length == 0 || File.Exists(outputDirectory))
        {
            error = $"--out '{outputDirectory}' must name a directory.";
            return false;
        }

        options = new AnnRunOptions
        {
            BasePath = reader.GetString("base"),
            QueryPath = reader.GetString("query"),
            GroundTruthPath = reader.GetString("gt"),
            Generate = generate,
            Metric = metric,
            K = k,
            EfList = efList,
            Threads = threads,
            Candidates = candidates,
            MeasureSingleThreadBuild = !reader.Has("skip-single-thread-build"),
            OutputDirectory = outputDirectory,
            Python = reader.GetString("python", HnswlibCandidate.DefaultPython)!,
            HnswlibScript = script,
        };
        return true;
    }

    /// <summary>Parses <c>cosine</c>, <c>l2</c> or <c>dot</c>.</summary>
    public static bool TryParseMetric(string text, out DistanceMetric metric, out string? error)
    {
        error = null;
        switch (text)
        {
            case "cosine":
                metric = DistanceMetric.Cosine;
                return true;
            case "l2":
                metric = DistanceMetric.L2Squared;
                return true;
            case "dot":
                metric = DistanceMetric.Dot;
                return true;
            default:
                metric = default;
                error = $"--metric must be cosine, l2 or dot; got '{text}'.";
                return false;
        }
    }

    private static bool TryParseGenerate(string text, int seed, out GenerateSpec? spec, out string? error)
    {
        spec = null;
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 4)
        {
            error = $"--generate takes N,Q,DIM,CLUSTERS (four integers); got '{text}'.";
            return false;
        }

        if (!OptionReader.TryParseInt(parts[0], "--generate N", 1, 50_000_000, out int count, out error)
            || !OptionReader.TryParseInt(parts[1], "--generate Q", 1, 1_000_000, out int queries, out error)
            || !OptionReader.TryParseInt(parts[2], "--generate DIM", 1, VecsFormat.MaxDimension, out int dimension, out error)
            || !OptionReader.TryParseInt(parts[3], "--generate CLUSTERS", 1, 1_000_000, out int clusters, out error))
        {
            return false;
        }

        if ((long)count * dimension > Array.MaxLength || (long)queries * dimension > Array.MaxLength)
        {
            error = $"--generate {text}: {count:N0} x {dimension} floats exceed the largest array this harness holds.";
            return false;
        }

        spec = new GenerateSpec(count, queries, dimension, clusters, seed);
        return true;
    }

    private static bool TryParseCandidates(string? text, out IReadOnlyList<string> candidates, out string? error)
    {
        error = null;
        candidates = CandidateCatalog.All;
        if (text is null)
        {
            return true;
        }

        var chosen = new List<string>();
        foreach (string name in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!CandidateCatalog.Known.Contains(name))
            {
                error = $"--candidates: unknown candidate '{name}' (known: {string.Join(", ", CandidateCatalog.Known)}).";
                return false;
            }

            if (chosen.Contains(name))
            {
                error = $"--candidates names '{name}' twice.";
                return false;
            }

            chosen.Add(name);
        }

        if (chosen.Count == 0)
        {
            error = "--candidates needs at least one candidate.";
            return false;
        }

        candidates = chosen;
        return true;
    }

    private static bool CheckFile(OptionReader reader, string name, bool required, out string? error)
    {
        error = null;
        string? path = reader.GetString(name);
        if (path is null)
        {
            if (required)
            {
                error = $"--{name} FILE is required with data from files.";
                return false;
            }

            return true;
        }

        if (!File.Exists(path))
        {
            error = $"--{name}: {path} does not exist.";
            return false;
        }

        return true;
    }
}
