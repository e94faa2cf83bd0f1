using System.Diagnostics;
using AgentDb.Simulation.Scenarios;
using AgentDb.Simulation.Targets;

namespace AgentDb.Simulation.Runner;

/// <summary>Runs one scenario on one target and measures it (<see cref="SimulationResult"/>).</summary>
public static class SimulationRunner
{
    /// <summary>Runs <paramref name="scenario"/> to its end on <paramref name="target"/>. A scenario that throws gives a
    /// result with <see cref="SimulationResult.Completed"/> false and the error, with what was measured until then;
    /// cancellation is rethrown.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (iterations, parallel or swarm size below 1).</exception>
    public static async Task<SimulationResult> RunAsync(
        ISimulationScenario scenario, IMemoryTarget target, SimulationOptions options, IProgress<double>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Iterations, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Parallel, 1, nameof(options));
        int swarmSize = options.SwarmSize ?? scenario.DefaultSwarmSize;
        ArgumentOutOfRangeException.ThrowIfLessThan(swarmSize, 1, nameof(options));

        var context = new ScenarioContext(target, options, swarmSize, progress);
        var started = DateTimeOffset.UtcNow;
        long start = Stopwatch.GetTimestamp();
        string? error = null;
        try
        {
            await scenario.RunAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            error = $"{e.GetType().Name}: {e.Message}";
        }
        double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        bool completed = error is null;

        long? disk = null;
        try
        {
            disk = await target.DiskBytesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            error ??= $"database size unavailable: {e.GetType().Name}: {e.Message}";
        }

        return Summarize(scenario.Name, target.Name, options, swarmSize, context, started, elapsed, completed, error, disk);
    }

    private static SimulationResult Summarize(
        string scenario, string target, SimulationOptions options, int swarmSize, ScenarioContext context, DateTimeOffset started,
        double elapsed, bool completed, string? error, long? disk)
    {
        var names = new List<string>(context.Operations.Keys);
        names.Sort(StringComparer.Ordinal);
        var kinds = new List<OperationSummary>(names.Count);
        var allTicks = new List<long>();
        long calls = 0, items = 0, failures = 0;
        foreach (var name in names)
        {
            var stats = context.Operations[name];
            long[] ticks = stats.LatencyTicksSnapshot();
            long failed = stats.Failures;
            kinds.Add(new OperationSummary(name, ticks.Length, stats.Items, failed, stats.PercentileMs(0.5), stats.PercentileMs(0.99), stats.Errors));
            allTicks.AddRange(ticks);
            calls += ticks.Length;
            items += stats.Items;
            failures += failed;
        }
        long[] sorted = [.. allTicks];
        Array.Sort(sorted);

        var metrics = new List<KeyValuePair<string, double>>(context.Metrics);
        metrics.Sort(static (x, y) => string.CompareOrdinal(x.Key, y.Key));
        var series = new List<KeyValuePair<string, IReadOnlyList<KeyValuePair<int, double>>>>(context.Series.Count);
        foreach (var (name, points) in context.Series)
        {
            var ordered = new List<KeyValuePair<int, double>>(points);
            ordered.Sort(static (x, y) => x.Key.CompareTo(y.Key));
            series.Add(new(name, ordered));
        }
        series.Sort(static (x, y) => string.CompareOrdinal(x.Key, y.Key));

        using var process = Process.GetCurrentProcess();
        return new SimulationResult
        {
            Scenario = scenario,
            Target = target,
            SwarmSize = swarmSize,
            Iterations = options.Iterations,
            Parallel = options.Parallel,
            Optimize = options.Optimize,
            Seed = options.Seed,
            StartedUtc = started,
            ElapsedSeconds = elapsed,
            Completed = completed,
            Error = error,
            Calls = calls,
            Operations = items,
            Failures = failures,
            SuccessRate = calls == 0 ? 1 : (calls - failures) / (double)calls,
            OperationsPerSecond = elapsed > 0 ? items / elapsed : 0,
            P50Ms = Percentile(sorted, 0.5),
            P99Ms = Percentile(sorted, 0.99),
            WorkingSetBytes = process.WorkingSet64,
            PeakWorkingSetBytes = process.PeakWorkingSet64,
            GcHeapBytes = GC.GetTotalMemory(forceFullCollection: false),
            DiskBytes = disk,
            OperationKinds = kinds,
            Metrics = metrics,
            Series = series,
        };
    }

    private static double Percentile(long[] sorted, double q)
    {
        if (sorted.Length == 0)
        {
            return 0;
        }
        int index = Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1);
        return sorted[index] * 1000.0 / Stopwatch.Frequency;
    }
}
