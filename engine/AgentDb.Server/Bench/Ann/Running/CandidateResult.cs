namespace AgentDb.Server.Bench.Ann.Running;

/// <summary>Everything measured for one candidate.</summary>
/// <param name="Name">The candidate's name.</param>
/// <param name="Detail">Library, version and parameters, for the report.</param>
/// <param name="BuildSeconds">Wall time of the build on <paramref name="BuildThreads"/> threads.</param>
/// <param name="BuildThreads">Threads the build was allowed.</param>
/// <param name="BuildSecondsSingleThread">Wall time of a build on one thread, when measured.</param>
/// <param name="VectorCount">Vectors inserted.</param>
/// <param name="MemoryBytes">Bytes the built index holds.</param>
/// <param name="MemorySource">How <paramref name="MemoryBytes"/> was obtained.</param>
/// <param name="Sweep">One point per ef, in sweep order.</param>
internal sealed record CandidateResult(
    string Name,
    string Detail,
    double BuildSeconds,
    int BuildThreads,
    double? BuildSecondsSingleThread,
    int VectorCount,
    long MemoryBytes,
    string MemorySource,
    IReadOnlyList<SweepPoint> Sweep)
{
    /// <summary>Builds faster than this (e.g. an exact scan, which builds nothing) have no meaningful insert rate.</summary>
    public const double MinimumTimedBuildSeconds = 1e-3;

    /// <summary>Vectors inserted per second of the multi-threaded build; null when the build took no measurable time.</summary>
    public double? InsertsPerSecond => BuildSeconds >= MinimumTimedBuildSeconds ? VectorCount / BuildSeconds : null;

    /// <summary>Index bytes per vector inserted.</summary>
    public double BytesPerVector => VectorCount > 0 ? (double)MemoryBytes / VectorCount : 0;
}
