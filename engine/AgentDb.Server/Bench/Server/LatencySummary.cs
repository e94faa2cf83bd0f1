using System.Diagnostics;

namespace AgentDb.Server.Bench.Server;

/// <summary>Throughput and latency percentiles of one benchmark run.</summary>
/// <param name="Requests">Requests answered.</param>
/// <param name="Errors">Requests answered with an error frame (a correct run has none).</param>
/// <param name="Elapsed">Wall time from the first request to the last answer.</param>
/// <param name="P50">Median latency.</param>
/// <param name="P99">99th percentile latency.</param>
/// <param name="P999">99.9th percentile latency.</param>
internal readonly record struct LatencySummary(long Requests, long Errors, TimeSpan Elapsed, TimeSpan P50, TimeSpan P99, TimeSpan P999)
{
    /// <summary>CPU time the server process spent during the run (user + system), when it is a process of its own.</summary>
    public TimeSpan? ServerCpu { get; init; }

    /// <summary>The part of <see cref="ServerCpu"/> spent in the kernel (system time).</summary>
    public TimeSpan? ServerSystemCpu { get; init; }

    /// <summary>CPU time the load generator (this process) spent during the run, when the server is another process.</summary>
    public TimeSpan? ClientCpu { get; init; }

    /// <summary>Requests answered per second of wall time.</summary>
    public double OpsPerSecond => Requests / Elapsed.TotalSeconds;

    /// <summary>Summarises <paramref name="latencies"/> (Stopwatch ticks; sorted in place).</summary>
    public static LatencySummary From(long[] latencies, long errors, TimeSpan elapsed)
    {
        Array.Sort(latencies);
        return new LatencySummary(latencies.Length, errors, elapsed,
            Percentile(latencies, 0.50), Percentile(latencies, 0.99), Percentile(latencies, 0.999));
    }

    private static TimeSpan Percentile(long[] sorted, double fraction)
    {
        if (sorted.Length == 0)
        {
            return TimeSpan.Zero;
        }
        var index = (int)Math.Min(sorted.Length - 1, Math.Ceiling(fraction * sorted.Length) - 1);
        return Stopwatch.GetElapsedTime(0, sorted[Math.Max(index, 0)]);
    }
}
