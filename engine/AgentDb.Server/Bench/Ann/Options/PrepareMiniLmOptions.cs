using AgentDb.Server.Bench.Ann.Embedding;

namespace AgentDb.Server.Bench.Ann.Options;

/// <summary>The options of <c>agentdb bench ann prepare-minilm</c>, validated.</summary>
internal sealed class PrepareMiniLmOptions
{
    /// <summary>The subcommand's name after <c>agentdb bench ann</c>.</summary>
    public const string CommandName = "prepare-minilm";

    /// <summary>The usage text printed with <c>--help</c> and after a usage error.</summary>
    public const string Usage = """
        usage: agentdb bench ann prepare-minilm --out DIR [--count N] [--queries Q] [--seed S] [--threads T]
                                                [--batch B] [--max-chars C] [--apt-lists DIR | --texts FILE]

        Makes a real-text data set: English Debian package descriptions (from apt's lists; whole descriptions first,
        then paragraphs and sentences if they are too few) embedded with MiniLM (384 dimensions, cosine). Writes
        base.fvecs, query.fvecs, gt-cosine-k100.ivecs, base.txt, query.txt and manifest.json into DIR, then prints
        the command that benchmarks them.

          --out DIR          output directory (required)
          --count N          base texts (default 100000); fewer if the source runs out (reported)
          --queries Q        held-out whole descriptions used as queries (default 1000)
          --seed S           shuffle seed (default 42)
          --threads T        ONNX Runtime and ground-truth threads (default: all cores)
          --batch B          texts per MiniLM call (default 64)
          --max-chars C      texts are cut at a word boundary before C characters (default 2000)
          --apt-lists DIR    apt's lists (default /var/lib/apt/lists); long descriptions need the Translation-en
                             lists: apt-get update -o Acquire::Languages=en (bench/ann/run.sh does this)
          --texts FILE       embed the lines of FILE instead (one text per line)
        """;

    private static readonly HashSet<string> s_valued = ["out", "count", "queries", "seed", "threads", "batch", "max-chars", "apt-lists", "texts"];

    private static readonly HashSet<string> s_flags = ["help"];

    private PrepareMiniLmOptions()
    {
    }

    /// <summary>The output directory.</summary>
    public string OutputDirectory { get; private init; } = string.Empty;

    /// <summary>Base texts wanted.</summary>
    public int Count { get; private init; } = 100_000;

    /// <summary>Queries held out.</summary>
    public int Queries { get; private init; } = 1_000;

    /// <summary>Shuffle seed.</summary>
    public int Seed { get; private init; } = 42;

    /// <summary>Threads for the model and the ground truth.</summary>
    public int Threads { get; private init; } = Environment.ProcessorCount;

    /// <summary>Texts per model call.</summary>
    public int BatchSize { get; private init; } = 64;

    /// <summary>Longest text, in characters.</summary>
    public int MaxChars { get; private init; } = 2_000;

    /// <summary>apt's list directory.</summary>
    public string AptListsDirectory { get; private init; } = AptDescriptionReader.DefaultListsDirectory;

    /// <summary>A file of texts to use instead of apt's descriptions, when given.</summary>
    public string? TextsFile { get; private init; }

    /// <summary>Whether only the usage text was asked for.</summary>
    public bool HelpRequested { get; private init; }

    /// <summary>Parses and validates <paramref name="args"/>; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(IReadOnlyList<string> args, out PrepareMiniLmOptions options, out string? error)
    {
        options = new PrepareMiniLmOptions();
        if (!OptionReader.TryRead(args, s_valued, s_flags, out OptionReader reader, out error))
        {
            return false;
        }

        if (reader.Has("help"))
        {
            options = new PrepareMiniLmOptions { HelpRequested = true };
            return true;
        }

        string? output = reader.GetString("out");
        if (string.IsNullOrEmpty(output))
        {
            error = "prepare-minilm needs --out DIR.";
            return false;
        }

        if (File.Exists(output))
        {
            error = $"--out '{output}' is a file; it must name a directory.";
            return false;
        }

        if (!reader.TryGetInt("count", 100_000, 1, 10_000_000, out int count, out error)
            || !reader.TryGetInt("queries", 1_000, 1, 100_000, out int queries, out error)
            || !reader.TryGetInt("seed", 42, int.MinValue, int.MaxValue, out int seed, out error)
            || !reader.TryGetInt("threads", Environment.ProcessorCount, 1, 1024, out int threads, out error)
            || !reader.TryGetInt("batch", 64, 1, 4096, out int batch, out error)
            || !reader.TryGetInt("max-chars", 2_000, 64, 100_000, out int maxChars, out error))
        {
            return false;
        }

        if (reader.Has("texts") && reader.Has("apt-lists"))
        {
            error = "give --texts or --apt-lists, not both.";
            return false;
        }

        string? texts = reader.GetString("texts");
        if (texts is not null && !File.Exists(texts))
        {
            error = $"--texts: {texts} does not exist.";
            return false;
        }

        string lists = reader.GetString("apt-lists", AptDescriptionReader.DefaultListsDirectory)!;
        if (texts is null && !Directory.Exists(lists))
        {
            error = $"--apt-lists: {lists} is not a directory.";
            return false;
        }

        options = new PrepareMiniLmOptions
        {
            OutputDirectory = output,
            Count = count,
            Queries = queries,
            Seed = seed,
            Threads = threads,
            BatchSize = batch,
            MaxChars = maxChars,
            AptListsDirectory = lists,
            TextsFile = texts,
        };
        return true;
    }
}
