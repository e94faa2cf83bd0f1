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
    public Random CreateRandom(int stream) => new(StreamSeed(Options.Seed, stream));

    /// <summary>The seed of stream <paramref name="stream"/>: a fixed mix (SplitMix64's finaliser) of the two numbers.
    /// Not <see cref="HashCode.Combine{T1, T2}"/>, which is randomised per process and would give every run other numbers.</summary>
    internal static int StreamSeed(int seed, int stream)
    {
        ulong z = (((ulong)(uint)seed << 32) | (uint)stream) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z & 0x7FFF_FFFF);
    }

    /// <summary>Runs one memory operation, timing it and counting it under <paramref name="operation"/>; an exception is
    /// counted as a failure (by its type name) and rethrown.</summary>
    public ValueTask<T> MeasureAsync<T>(string operation, Func<ValueTask<T>> action) => MeasureAsync(operation, 1, action);

    /// <summary>Runs one call that carries <paramref name="items"/> memory operations (a batch of n episode writes counts
    /// n), timing it once and counting it under <paramref name="operation"/>; an exception is counted as a failure and
    /// rethrown.</summary>
    public async ValueTask<T> MeasureAsync<T>(string operation, int items, Func<ValueTask<T>> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentOutOfRangeException.ThrowIfNegative(items);
        var stats = _operations.GetOrAdd(operation, static name => new OperationStats(name));
        long start = Stopwatch.GetTimestamp();
        try
        {
            T result = await action().ConfigureAwait(false);
            stats.RecordSuccess(Stopwatch.GetTimestamp() - start, items);
            return result;
        }
        catch (Exception ex)
        {
            stats.RecordFailure(Stopwatch.GetTimestamp() - start, ex.GetType().Name);
            throw;
        }
    }

    /// <summary>Runs one memory operation that returns nothing (a skill upsert, say), timed and counted like
    /// <see cref="MeasureAsync{T}(string, Func{ValueTask{T}})"/>.</summary>
    public ValueTask<bool> MeasureAsync(string operation, Func<ValueTask> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return MeasureAsync(operation, 1, async () =>
        {
            await action().ConfigureAwait(false);
            return true;
        });
    }

    /// <summary>Runs <paramref name="body"/> for agents 0 … <paramref name="count"/> − 1 with at most
    /// <see cref="SimulationOptions.Parallel"/> running at once (one after another, in order, when it is 1). The first
    /// exception is rethrown once the running bodies have finished.</summary>
    public async Task ForEachAgentAsync(int count, Func<int, CancellationToken, ValueTask> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (Options.Parallel <= 1 || count <= 1)
        {
            for (int agent = 0; agent < count; agent++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await body(agent, cancellationToken).ConfigureAwait(false);
            }
            return;
        }
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Options.Parallel, CancellationToken = cancellationToken };
        await Parallel.ForAsync(0, count, parallel, body).ConfigureAwait(false);
    }

    /// <summary>Sets one of the scenario's metrics.</summary>
    public void SetMetric(string name, double value) => _metrics[name] = value;

    /// <summary>Sets the point of a series at <paramref name="step"/> (an iteration or round).</summary>
    public void AddPoint(string series, int step, double value) =>
        _series.GetOrAdd(series, static _ => new ConcurrentDictionary<int, double>())[step] = value;
}
