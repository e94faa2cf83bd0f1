using AgentDb.Server.Bench.Ann.Candidates;
using AgentDb.Server.Bench.Ann.Data;
using AgentDb.Server.Bench.Ann.Options;
using AgentDb.Server.Bench.Ann.Reporting;

namespace AgentDb.Server.Bench.Ann.Running;

/// <summary>
/// A benchmark run end to end: checks the peers, loads or generates the data, loads or computes the ground truth,
/// measures each candidate in turn, then writes the table (console and <c>results.txt</c>), <c>results.json</c> and
/// <c>recall-qps.svg</c> into the output directory.
/// </summary>
internal static class AnnRunCommand
{
    /// <summary>The JSON result file, in the output directory.</summary>
    public const string JsonFileName = "results.json";

    /// <summary>The plot, in the output directory.</summary>
    public const string SvgFileName = "recall-qps.svg";

    /// <summary>The table, in the output directory.</summary>
    public const string TableFileName = "results.txt";

    /// <summary>Runs the benchmark described by <paramref name="options"/>.</summary>
    /// <param name="options">The validated options.</param>
    /// <param name="output">Receives the result table.</param>
    /// <param name="log">Receives progress lines.</param>
    /// <exception cref="VectorFileFormatException">A data file is malformed.</exception>
    /// <exception cref="ExternalCandidateException">A peer is unavailable or failed.</exception>
    public static AnnBenchmarkReport Run(AnnRunOptions options, TextWriter output, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(options);
        DateTimeOffset started = DateTimeOffset.UtcNow;
        Directory.CreateDirectory(options.OutputDirectory);
        string cacheDirectory = Path.Combine(options.OutputDirectory, "cache");

        var externals = new Dictionary<string, IExternalAnnCandidate>();
        foreach (string name in options.Candidates)
        {
            if (CandidateCatalog.IsExternal(name))
            {
                var peer = new HnswlibCandidate(options.Python, HnswlibCandidate.LocateScript(options.HnswlibScript), log);
                string? problem = peer.CheckAvailable();
                if (problem is not null)
                {
                    throw new ExternalCandidateException(name, problem);
                }

                externals[name] = peer;
            }
        }

        AnnWorkload workload = LoadWorkload(options, cacheDirectory, log);
        var runner = new AnnBenchmarkRunner(workload, log);
        var results = new List<CandidateResult>();
        foreach (string name in options.Candidates)
        {
            if (externals.TryGetValue(name, out IExternalAnnCandidate? peer))
            {
                results.Add(runner.Run(peer));
            }
            else
            {
                results.Add(runner.Run(() =>
                    CandidateCatalog.TryCreateInProcess(name, options.Metric, out IAnnCandidate? candidate)
                        ? candidate!
                        : throw new InvalidOperationException($"No in-process candidate is named '{name}'.")));
            }
        }

        var report = new AnnBenchmarkReport(started, MachineInfo.Current(), workload, results);
        ResultTableWriter.Write(report, output);
        using (var table = new StreamWriter(Path.Combine(options.OutputDirectory, TableFileName)))
        {
            ResultTableWriter.Write(report, table);
        }

        ResultJsonWriter.Write(report, Path.Combine(options.OutputDirectory, JsonFileName));
        RecallQpsSvgWriter.Write(report, Path.Combine(options.OutputDirectory, SvgFileName));
        log.WriteLine($"wrote {Path.Combine(options.OutputDirectory, JsonFileName)}, {Path.Combine(options.OutputDirectory, SvgFileName)}");
        return report;
    }

    private static AnnWorkload LoadWorkload(AnnRunOptions options, string cacheDirectory, TextWriter log)
    {
        VectorSet baseVectors;
        VectorSet queries;
        string basePath;
        string queryPath;
        string name;
        if (options.Generate is GenerateSpec spec)
        {
            string directory = Path.Combine(cacheDirectory, spec.CacheName);
            basePath = Path.Combine(directory, "base.fvecs");
            queryPath = Path.Combine(directory, "query.fvecs");
            name = spec.CacheName;
            if (File.Exists(basePath) && File.Exists(queryPath))
            {
                baseVectors = FvecsFile.Read(basePath);
                queries = FvecsFile.Read(queryPath);
                CheckGenerated(basePath, baseVectors, spec.BaseCount, spec.Dimension);
                CheckGenerated(queryPath, queries, spec.QueryCount, spec.Dimension);
                log.WriteLine($"data: {name} (cached in {directory})");
            }
            else
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                (baseVectors, queries) = ClusteredGaussianGenerator.Generate(spec);
                FvecsFile.Write(basePath, baseVectors);
                FvecsFile.Write(queryPath, queries);
                log.WriteLine($"data: generated {name} in {watch.Elapsed.TotalSeconds:F1} s -> {directory}");
            }
        }
        else
        {
            basePath = options.BasePath!;
            queryPath = options.QueryPath!;
            baseVectors = FvecsFile.Read(basePath);
            queries = FvecsFile.Read(queryPath);
            if (baseVectors.Dimension != queries.Dimension)
            {
                throw new VectorFileFormatException(queryPath, $"holds vectors of dimension {queries.Dimension}; the base file {basePath} holds {baseVectors.Dimension}.");
            }

            string parent = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(basePath))) ?? string.Empty;
            name = parent.Length > 0 ? $"{parent}/{Path.GetFileNameWithoutExtension(basePath)}" : Path.GetFileNameWithoutExtension(basePath);
            log.WriteLine($"data: {baseVectors.Count:N0} base and {queries.Count:N0} query vectors of dimension {baseVectors.Dimension}");
        }

        if (options.K > baseVectors.Count)
        {
            throw new ArgumentException($"--k {options.K} exceeds the {baseVectors.Count} base vectors.");
        }

        NeighborTable groundTruth;
        string groundTruthPath;
        if (options.GroundTruthPath is string given)
        {
            groundTruth = IvecsFile.Read(given);
            GroundTruthCache.CheckShape(given, groundTruth, queries.Count, options.K);
            groundTruthPath = given;
        }
        else
        {
            (groundTruth, groundTruthPath) = GroundTruthCache.LoadOrCompute(cacheDirectory, baseVectors, queries, options.Metric, options.Threads, log);
        }

        return new AnnWorkload(
            name,
            baseVectors,
            queries,
            groundTruth,
            options.Metric,
            options.K,
            options.EfList,
            options.Threads,
            options.MeasureSingleThreadBuild,
            basePath,
            queryPath,
            groundTruthPath,
            Path.Combine(options.OutputDirectory, "peers"));
    }

    private static void CheckGenerated(string path, VectorSet vectors, int count, int dimension)
    {
        if (vectors.Count != count || vectors.Dimension != dimension)
        {
            throw new VectorFileFormatException(path, $"holds {vectors.Count} x {vectors.Dimension} vectors; the cache entry should hold {count} x {dimension}. Delete it to regenerate.");
        }
    }
}
