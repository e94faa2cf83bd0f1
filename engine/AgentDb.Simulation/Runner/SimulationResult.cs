namespace AgentDb.Simulation.Runner;

/// <summary>What one simulation run measured: throughput, latency, success, process memory, database size, and the
/// scenario's own metrics and series.</summary>
public sealed record SimulationResult
{
    /// <summary>The scenario's name.</summary>
    public required string Scenario { get; init; }

    /// <summary>The target: "embedded" or "server HOST:PORT".</summary>
    public required string Target { get; init; }

    /// <summary>The number of agents.</summary>
    public required int SwarmSize { get; init; }

    /// <summary>Iterations simulated (asked for).</summary>
    public required int Iterations { get; init; }

    /// <summary>Agents running at once.</summary>
    public required int Parallel { get; init; }

    /// <summary>Whether writes were batched.</summary>
    public required bool Optimize { get; init; }

    /// <summary>The seed.</summary>
    public required int Seed { get; init; }

    /// <summary>When the run started (UTC).</summary>
    public required DateTimeOffset StartedUtc { get; init; }

    /// <summary>Wall-clock seconds of the scenario's run (target opening excluded).</summary>
    public required double ElapsedSeconds { get; init; }

    /// <summary>Whether the scenario ran to its end (false: <see cref="Error"/> says why).</summary>
    public required bool Completed { get; init; }

    /// <summary>Why the scenario stopped early, or null.</summary>
    public string? Error { get; init; }

    /// <summary>Calls made, over every operation kind.</summary>
    public required long Calls { get; init; }

    /// <summary>Memory operations the successful calls carried (a batched call of n writes counts n).</summary>
    public required long Operations { get; init; }

    /// <summary>Calls that failed.</summary>
    public required long Failures { get; init; }

    /// <summary>Successful calls / calls (1 when there were none).</summary>
    public required double SuccessRate { get; init; }

    /// <summary><see cref="Operations"/> per second of <see cref="ElapsedSeconds"/>.</summary>
    public required double OperationsPerSecond { get; init; }

    /// <summary>Median call latency over every operation kind, in milliseconds.</summary>
    public required double P50Ms { get; init; }

    /// <summary>99th-percentile call latency over every operation kind, in milliseconds.</summary>
    public required double P99Ms { get; init; }

    /// <summary>The process's working set after the run, in bytes.</summary>
    public required long WorkingSetBytes { get; init; }

    /// <summary>The process's peak working set, in bytes.</summary>
    public required long PeakWorkingSetBytes { get; init; }

    /// <summary>The managed heap after the run, in bytes.</summary>
    public required long GcHeapBytes { get; init; }

    /// <summary>The memory's size on disk after the run, in bytes; null when the target reports none.</summary>
    public long? DiskBytes { get; init; }

    /// <summary>Each operation kind, by name.</summary>
    public required IReadOnlyList<OperationSummary> OperationKinds { get; init; }

    /// <summary>The scenario's metrics, by name (ordinal order).</summary>
    public required IReadOnlyList<KeyValuePair<string, double>> Metrics { get; init; }

    /// <summary>The scenario's series, by name (ordinal order), each as (step, value) in step order.</summary>
    public required IReadOnlyList<KeyValuePair<string, IReadOnlyList<KeyValuePair<int, double>>>> Series { get; init; }
}
