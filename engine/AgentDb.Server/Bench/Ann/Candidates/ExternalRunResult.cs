namespace AgentDb.Server.Bench.Ann.Candidates;

/// <summary>What an <see cref="IExternalAnnCandidate"/> measured.</summary>
/// <param name="Detail">Library and version, for the report.</param>
/// <param name="BuildSeconds">Wall time of the build with the requested threads.</param>
/// <param name="BuildSecondsSingleThread">Wall time of a build on one thread, when it was measured.</param>
/// <param name="MemoryBytes">Bytes the built index holds, as the peer accounts them.</param>
/// <param name="MemorySource">How <paramref name="MemoryBytes"/> was obtained, for the report.</param>
/// <param name="Sweep">One entry per ef, in the order requested.</param>
internal sealed record ExternalRunResult(
    string Detail,
    double BuildSeconds,
    double? BuildSecondsSingleThread,
    long MemoryBytes,
    string MemorySource,
    IReadOnlyList<ExternalSweepRun> Sweep);
