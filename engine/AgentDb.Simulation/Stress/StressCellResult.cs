namespace AgentDb.Simulation.Stress;

/// <summary>What one cell of the stress matrix (a number of agents at a concurrency) measured.</summary>
internal sealed record StressCellResult
{
    /// <summary>Simulated agents, each with its own session.</summary>
    public required int Agents { get; init; }

    /// <summary>Agent operations in flight at once.</summary>
    public required int Concurrency { get; init; }

    /// <summary>Wall-clock seconds from the first operation issued to the last one answered.</summary>
    public required double Seconds { get; init; }

    /// <summary>Operations issued and answered (successes + failures).</summary>
    public required long Operations { get; init; }

    /// <summary>Operations that succeeded.</summary>
    public required long Successes { get; init; }

    /// <summary>Operations that failed.</summary>
    public required long Failures { get; init; }

    /// <summary>Episodes stored (successful stores).</summary>
    public required long EpisodesStored { get; init; }

    /// <summary>Successful operations per second.</summary>
    public required double Throughput { get; init; }

    /// <summary>Median latency over every operation, ms.</summary>
    public required double P50Ms { get; init; }

    /// <summary>99th-percentile latency over every operation, ms.</summary>
    public required double P99Ms { get; init; }

    /// <summary>99th-percentile latency of the stores, ms.</summary>
    public required double StoreP99Ms { get; init; }

    /// <summary>99th-percentile latency of the retrievals, ms.</summary>
    public required double RetrieveP99Ms { get; init; }

    /// <summary>Failures by kind (the server's error code, or the exception type).</summary>
    public required IReadOnlyDictionary<string, long> Errors { get; init; }

    /// <summary>Resident memory of the measured process (the server, or this process when embedded) at the end of the
    /// cell; null when it cannot be read (a remote server).</summary>
    public long? RssBytes { get; init; }

    /// <summary>CPU time the measured process used during the cell, seconds; null when it cannot be read.</summary>
    public double? CpuSeconds { get; init; }

    /// <summary>Fraction of operations that succeeded, 0..1 (1 when none ran).</summary>
    public double SuccessRate => Operations == 0 ? 1 : (double)Successes / Operations;

    /// <summary>CPU time over wall time, in percent of one core; null when the CPU time is unknown.</summary>
    public double? CpuPercent => CpuSeconds is { } cpu && Seconds > 0 ? cpu / Seconds * 100 : null;
}
