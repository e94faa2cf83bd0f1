using AgentDb.Server.Bench.Ann.Data;

namespace AgentDb.Server.Bench.Ann.Candidates;

/// <summary>One ef of an external sweep: how long all queries took on one thread, and what they found.</summary>
/// <param name="Ef">The search breadth.</param>
/// <param name="Seconds">Wall time of the whole query batch on one thread.</param>
/// <param name="Found">The ids found, one row per query, nearest first.</param>
internal sealed record ExternalSweepRun(int Ef, double Seconds, NeighborTable Found);
