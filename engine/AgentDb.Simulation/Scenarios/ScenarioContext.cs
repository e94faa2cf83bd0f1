using System.Collections.Concurrent;
using System.Diagnostics;
using AgentDb.Simulation.Targets;

namespace AgentDb.Simulation.Scenarios;

/// <summary>
/// What a running scenario sees: the memory it works on, its options, deterministic random streams, and the
/// recorders of its operations (latency and success per operation kind) and of its own metrics. Thread-safe: parallel
/// agents share one context.
/// </summary>
public sealed class ScenarioContext
{
    private readonly ConcurrentDictionary<string, OperationStats> _operations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, double> _metrics = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<int, double>> _series = new(StringComparer.Ordinal);

    /// <summary>Creates a context for one run.</summary>
    public ScenarioContext(IMemoryTarget memory, SimulationOptions options, int swarmSize, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(swarmSize, 1);
        Memory = memory;
        Options = options;
        SwarmSize = swarmSize;
        Progress = progress;
    }

    /// <summary>The memory the agents work on.</summary>
    public IMemoryTarget Memory { get; }

    /// <summary>The run's options.</summary>
    public SimulationOptions Options { get; }

    /// <summary>The number of agents (the options' swarm size or the scenario's default).</summary>
    public int SwarmSize { get; }

    /// <summary>Where the scenario reports its progress, from 0 to 1 (null: nobody listens).</summary>
    public IProgress<double>? Progress { get; }

    /// <summary>The operations recorded so far, by kind.</summary>
    public IReadOnlyDictionary<string, OperationStats> Operations => _operations;

    /// <summary>The scenario's own metrics (e.g. "final_consensus").</summary>
    public IReadOnlyDictionary<string, double> Metrics => _metrics;

    /// <summary>The scenario's series (e.g. "reward" by iteration), each point by step.</summary>
    public IReadOnlyDictionary<string, ConcurrentDictionary<int, double>> Series => _series;

    /// <summary>A random stream that depends only on the seed and <paramref name="stream"/> (an agent's number, say), so
    /// parallel agents draw the same numbers whatever the scheduling.</summary>
    public Random CreateRandom(int stream) => new(HashCode.Combine(Options.Seed, stream, 0x5EED));

    /// <summary>Runs one memory operation, timing it and counting it under <paramref name="operation"/>; an exception is
    /// counted as a failure (by its type name) and rethrown.</summary>
    public async ValueTask<T> MeasureAsync<T>(string operation, Func<ValueTask<T>> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var stats = _operations.GetOrAdd(operation, static name => new OperationStats(name));
        long start = Stopwatch.GetTimestamp();
        try
        {
            T result = await action().ConfigureAwait(false);
            stats.RecordSuccess(Stopwatch.GetTimestamp() - start);
            return result;
        }
        catch (Exception ex)
        {
            stats.RecordFailure(Stopwatch.GetTimestamp() - start, ex.GetType().Name);
            throw;
        }
    }

    /// <summary>Sets one of the scenario's metrics.</summary>
    public void SetMetric(string name, double value) => _metrics[name] = value;

    /// <summary>Sets the point of a series at <paramref name="step"/> (an iteration or round).</summary>
    public void AddPoint(string series, int step, double value) =>
        _series.GetOrAdd(series, static _ => new ConcurrentDictionary<int, double>())[step] = value;
}
