using AgentDb.Kernels;

namespace AgentDb.Server.Bench.Ann.Candidates;

/// <summary>What an <see cref="IExternalAnnCandidate"/> is asked to measure.</summary>
/// <param name="BasePath">The base vectors, <c>.fvecs</c>.</param>
/// <param name="QueryPath">The query vectors, <c>.fvecs</c>.</param>
/// <param name="Metric">How distances are measured.</param>
/// <param name="K">Neighbours returned per query.</param>
/// <param name="EfList">The search breadths of the sweep, in order.</param>
/// <param name="Threads">Threads for the (multi-threaded) build.</param>
/// <param name="MeasureSingleThreadBuild">Whether to time a second build on one thread.</param>
/// <param name="WorkDirectory">A directory the peer may write its answers and scratch files into.</param>
internal sealed record ExternalRunRequest(
    string BasePath,
    string QueryPath,
    DistanceMetric Metric,
    int K,
    IReadOnlyList<int> EfList,
    int Threads,
    bool MeasureSingleThreadBuild,
    string WorkDirectory);
