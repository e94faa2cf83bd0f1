using System.Runtime.InteropServices;
using System.Security.Cryptography;
using AgentDb.Kernels;

namespace AgentDb.Server.Bench.Ann.Data;

/// <summary>
/// Ground truth computed once per data set and kept as an <c>.ivecs</c> file whose name carries a fingerprint of
/// the base and query vectors and the metric: a changed data set can never be scored against stale neighbours.
/// </summary>
internal static class GroundTruthCache
{
    /// <summary>
    /// The cached ground truth of (<paramref name="baseVectors"/>, <paramref name="queries"/>, <paramref name="metric"/>)
    /// in <paramref name="directory"/>, computed and written there first if it is missing.
    /// </summary>
    /// <param name="directory">The cache directory.</param>
    /// <param name="baseVectors">The vectors searched.</param>
    /// <param name="queries">The queries.</param>
    /// <param name="metric">How distances are measured.</param>
    /// <param name="threads">Threads for a computation.</param>
    /// <param name="log">Receives one line when the ground truth is computed, with its duration.</param>
    /// <exception cref="VectorFileFormatException">A cached file exists but is malformed or has the wrong shape.</exception>
    public static (NeighborTable Table, string Path) LoadOrCompute(
        string directory, VectorSet baseVectors, VectorSet queries, DistanceMetric metric, int threads, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        int width = Math.Min(GroundTruth.DefaultWidth, baseVectors.Count);
        string path = System.IO.Path.Combine(directory, $"gt-{MetricName(metric)}-k{width}-{Fingerprint(baseVectors, queries)}.ivecs");
        if (File.Exists(path))
        {
            NeighborTable cached = IvecsFile.Read(path);
            CheckShape(path, cached, queries.Count, width);
            return (cached, path);
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        NeighborTable table = GroundTruth.Compute(baseVectors, queries, metric, width, threads);
        log.WriteLine($"ground truth: {queries.Count} queries x {baseVectors.Count} base, top-{width}, {threads} threads: {watch.Elapsed.TotalSeconds:F1} s -> {path}");
        IvecsFile.Write(path, table);
        return (table, path);
    }

    /// <summary>Checks that <paramref name="table"/> has one row per query and at least <paramref name="minWidth"/> ids per row.</summary>
    /// <exception cref="VectorFileFormatException">The shape differs.</exception>
    public static void CheckShape(string path, NeighborTable table, int queryCount, int minWidth)
    {
        if (table.Rows != queryCount)
        {
            throw new VectorFileFormatException(path, $"holds ground truth for {table.Rows} queries; the query set has {queryCount}.");
        }

        if (table.Width < minWidth)
        {
            throw new VectorFileFormatException(path, $"holds {table.Width} neighbours per query; at least {minWidth} are needed.");
        }
    }

    /// <summary>The short lower-case name of <paramref name="metric"/> used in file names and reports.</summary>
    public static string MetricName(DistanceMetric metric) => metric switch
    {
        DistanceMetric.Cosine => "cosine",
        DistanceMetric.L2Squared => "l2",
        DistanceMetric.Dot => "dot",
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown metric."),
    };

    /// <summary>16 hex digits of SHA-256 over the shapes and contents of both sets.</summary>
    internal static string Fingerprint(VectorSet baseVectors, VectorSet queries)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<int> shape = [baseVectors.Count, baseVectors.Dimension, queries.Count, queries.Dimension];
        hash.AppendData(MemoryMarshal.AsBytes(shape));
        hash.AppendData(MemoryMarshal.AsBytes(baseVectors.Data.AsSpan()));
        hash.AppendData(MemoryMarshal.AsBytes(queries.Data.AsSpan()));
        return Convert.ToHexStringLower(hash.GetHashAndReset(), 0, 8);
    }
}
