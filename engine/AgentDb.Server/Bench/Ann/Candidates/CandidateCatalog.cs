using AgentDb.Kernels;

namespace AgentDb.Server.Bench.Ann.Candidates;

/// <summary>
/// The candidates <c>--candidates</c> can name, and how each is created. In-process indexes implement
/// <see cref="IAnnCandidate"/>; peers run in another process implement <see cref="IExternalAnnCandidate"/>.
/// </summary>
internal static class CandidateCatalog
{
    /// <summary>The exact scan with our kernels.</summary>
    public const string BruteForce = "brute";

    /// <summary>USearch, in process.</summary>
    public const string USearch = "usearch";

    /// <summary>hnswlib, out of process.</summary>
    public const string Hnswlib = "hnswlib";

    /// <summary>Our HNSW index (<see cref="AgentDb.Index.Hnsw.HnswIndex"/>), in process.</summary>
    public const string AgentDbHnsw = "agentdb-hnsw";

    /// <summary>Our HNSW index built in the background indexer's batches (<see cref="AgentDbHnswCandidate"/> with <see cref="AgentDbHnswCandidate.IndexerBatchSize"/>); not run by default.</summary>
    public const string AgentDbHnswBatched = "agentdb-hnsw-batched";

    /// <summary>Every name, in the order candidates run and are reported.</summary>
    public static IReadOnlyList<string> All { get; } = [AgentDbHnsw, BruteForce, USearch, Hnswlib];

    /// <summary>Every name <c>--candidates</c> accepts: <see cref="All"/> and those run only when named.</summary>
    public static IReadOnlyList<string> Known { get; } = [AgentDbHnsw, AgentDbHnswBatched, BruteForce, USearch, Hnswlib];

    /// <summary>The in-process candidate named <paramref name="name"/>, or false if it is not one.</summary>
    public static bool TryCreateInProcess(string name, DistanceMetric metric, out IAnnCandidate? candidate)
    {
        candidate = name switch
        {
            AgentDbHnsw => new AgentDbHnswCandidate(metric),
            AgentDbHnswBatched => new AgentDbHnswCandidate(metric, AgentDbHnswCandidate.IndexerBatchSize),
            BruteForce => new BruteForceCandidate(metric),
            USearch => new USearchCandidate(metric),
            _ => null,
        };
        return candidate is not null;
    }

    /// <summary>Whether <paramref name="name"/> is a candidate run out of process.</summary>
    public static bool IsExternal(string name) => name == Hnswlib;
}
