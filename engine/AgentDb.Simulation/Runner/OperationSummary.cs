namespace AgentDb.Simulation.Runner;

/// <summary>One kind of operation in a <see cref="SimulationResult"/>.</summary>
/// <param name="Name">The operation kind, e.g. "memory.store_episode".</param>
/// <param name="Calls">Calls made (successful and failed).</param>
/// <param name="Items">Operations the successful calls carried (a batch of n writes counts n).</param>
/// <param name="Failures">Calls that threw.</param>
/// <param name="P50Ms">Median latency of a call, in milliseconds.</param>
/// <param name="P99Ms">99th-percentile latency of a call, in milliseconds.</param>
/// <param name="Errors">Failures by exception type name.</param>
public sealed record OperationSummary(
    string Name, long Calls, long Items, long Failures, double P50Ms, double P99Ms, IReadOnlyDictionary<string, long> Errors);
