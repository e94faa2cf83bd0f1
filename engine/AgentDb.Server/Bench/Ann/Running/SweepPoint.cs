namespace AgentDb.Server.Bench.Ann.Running;

/// <summary>One point of a candidate's recall/throughput curve.</summary>
/// <param name="Ef">The search breadth (0 for a candidate that has none).</param>
/// <param name="Recall">Mean recall@k over the queries, in [0, 1].</param>
/// <param name="QueriesPerSecond">Queries answered per second on one thread.</param>
/// <param name="LatencyP50Micros">Median latency of one query in microseconds, when measured per query.</param>
/// <param name="LatencyP99Micros">99th-percentile latency in microseconds, when measured per query.</param>
internal sealed record SweepPoint(int Ef, double Recall, double QueriesPerSecond, double? LatencyP50Micros, double? LatencyP99Micros);
