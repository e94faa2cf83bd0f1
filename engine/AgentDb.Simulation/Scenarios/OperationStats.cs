using System.Diagnostics;

namespace AgentDb.Simulation.Scenarios;

/// <summary>
/// Counts and latencies of one kind of memory operation: successes, failures by kind, and every latency (kept to
/// compute exact percentiles; a simulation's operation count is modest). Thread-safe.
/// </summary>
public sealed class OperationStats
{
    private readonly object _gate = new();
    private readonly List<long> _latencyTicks = [];
    private readonly Dictionary<string, long> _errors = new(StringComparer.Ordinal);
    private long _successes;
    private long _items;

    /// <summary>Creates empty statistics for <paramref name="name"/>.</summary>
    public OperationStats(string name) => Name = name;

    /// <summary>The operation kind, e.g. "store_episode".</summary>
    public string Name { get; }

    /// <summary>Operations that completed.</summary>
    public long Successes { get { lock (_gate) { return _successes; } } }

    /// <summary>Operations that threw.</summary>
    public long Failures { get { lock (_gate) { return _latencyTicks.Count - _successes; } } }

    /// <summary>Records the successful operations carried: 1 per operation, n for a batched call of n writes (see
    /// <see cref="RecordSuccess(long, int)"/>). Throughput counts these.</summary>
    public long Items { get { lock (_gate) { return _items; } } }

    /// <summary>Failures by exception type name.</summary>
    public IReadOnlyDictionary<string, long> Errors { get { lock (_gate) { return new Dictionary<string, long>(_errors, StringComparer.Ordinal); } } }

    /// <summary>Records a completed operation that took <paramref name="ticks"/> Stopwatch ticks.</summary>
    public void RecordSuccess(long ticks) => RecordSuccess(ticks, 1);

    /// <summary>Records a completed call that carried <paramref name="items"/> operations (a batch of writes, say) and
    /// took <paramref name="ticks"/> Stopwatch ticks.</summary>
    public void RecordSuccess(long ticks, int items)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(items);
        lock (_gate)
        {
            _latencyTicks.Add(ticks);
            _successes++;
            _items += items;
        }
    }

    /// <summary>Records a failed operation.</summary>
    public void RecordFailure(long ticks, string errorKind)
    {
        lock (_gate)
        {
            _latencyTicks.Add(ticks);
            _errors[errorKind] = _errors.TryGetValue(errorKind, out long n) ? n + 1 : 1;
        }
    }

    /// <summary>The latency at quantile <paramref name="q"/> (0..1) in milliseconds, over successes and failures; 0 when
    /// nothing was recorded.</summary>
    public double PercentileMs(double q)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(q, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(q, 1);
        long[] sorted;
        lock (_gate)
        {
            if (_latencyTicks.Count == 0)
            {
                return 0;
            }
            sorted = [.. _latencyTicks];
        }
        Array.Sort(sorted);
        int index = (int)Math.Ceiling(q * sorted.Length) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)] * 1000.0 / Stopwatch.Frequency;
    }

    /// <summary>A copy of every latency recorded so far, in Stopwatch ticks (for percentiles over several kinds).</summary>
    internal long[] LatencyTicksSnapshot()
    {
        lock (_gate)
        {
            return [.. _latencyTicks];
        }
    }
}
