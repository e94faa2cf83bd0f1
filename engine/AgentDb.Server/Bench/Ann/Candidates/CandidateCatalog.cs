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

    // ---- AgentDb HNSW plugs in here. -------------------------------------------------------------------------
    // When AgentDb.Index.Hnsw.HnswIndex is on this branch: add `public const string AgentDbHnsw = "agentdb-hnsw";`,
    // put it first in All (so the table lists our index first), and return `new AgentDbHnswCandidate(metric)`
    // for it in TryCreateInProcess. The adapter is Candidates/AgentDbHnswCandidate.cs (see bench/ann/README.md).
    // ------------------------------------------------------------------------------------------------------------

    /// <summary>Every name, in the order candidates run and are reported.</summary>
    public static IReadOnlyList<string> All { get; } = [BruteForce, USearch, Hnswlib];

    /// <summary>The in-process candidate named <paramref name="name"/>, or false if it is not one.</summary>
    public static bool TryCreateInProcess(string name, DistanceMetric metric, out IAnnCandidate? candidate)
    {
        candidate = name switch
        {
            BruteForce => new BruteForceCandidate(metric),
            USearch => new USearchCandidate(metric),
            _ => null,
        };
        return candidate is not null;
    }

    /// <summary>Whether <paramref name="name"/> is a candidate run out of process.</summary>
    public static bool IsExternal(string name) => name == Hnswlib;
}
