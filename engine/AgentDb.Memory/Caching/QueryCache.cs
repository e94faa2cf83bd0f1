using System.Collections.Concurrent;
using System.Diagnostics;

namespace AgentDb.Memory.Caching;

/// <summary>
/// A TTL cache of query results, invalidated by writes: it never serves a result that an acknowledged later write to a
/// kind of memory the query read could have changed. Thread-safe.
/// </summary>
/// <remarks>
/// Each kind of memory has a version counter. A query snapshots the versions before it runs and stores its result with
/// that snapshot; a write bumps the versions of the kinds it touched after it is applied and before it is acknowledged
/// (<see cref="Invalidate"/>). A lookup serves an entry only if the versions of every kind in its scope are unchanged and
/// its time to live has not passed, so a result computed concurrently with a write is never served after that write's
/// acknowledgement. Results must be immutable: they are shared between callers. The oldest entries are evicted first.
/// </remarks>
public sealed class QueryCache
{
    private const int KindCount = 4;
    private readonly QueryCacheOptions _options;
    private readonly long[] _versions = new long[KindCount * 8]; // one counter per kind, each on its own cache line
    private readonly ConcurrentDictionary<QueryKey, Entry> _entries = new();
    private readonly ConcurrentQueue<QueryKey> _order = new();
    private readonly long _ttlTicks;
    private long _hits;
    private long _misses;
    private long _invalidations;
    private int _count; // entries added minus entries evicted: ConcurrentDictionary.Count takes every lock of the table

    /// <summary>Creates a cache.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public QueryCache(QueryCacheOptions? options = null)
    {
        _options = options ?? new QueryCacheOptions();
        _options.Validate();
        _ttlTicks = (long)(_options.TimeToLive.TotalSeconds * Stopwatch.Frequency);
    }

    /// <summary>Lookups served from the cache.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Lookups that computed the result.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>Writes that invalidated cached results.</summary>
    public long Invalidations => Interlocked.Read(ref _invalidations);

    /// <summary>Entries held now (some may be stale).</summary>
    public int Count => _entries.Count;

    /// <summary>
    /// Returns the cached result of <paramref name="key"/> if it is still valid for <paramref name="scope"/>, else
    /// computes it with <paramref name="compute"/>, caches and returns it.
    /// </summary>
    public TResult GetOrCompute<TState, TResult>(MemoryScope scope, in QueryKey key, TState state, Func<TState, TResult> compute)
        where TResult : class
    {
        if (!_options.Enabled)
        {
            Interlocked.Increment(ref _misses);
            return compute(state);
        }

        long now = Stopwatch.GetTimestamp();
        if (_entries.TryGetValue(key, out Entry? entry) && entry.Scope == scope && now < entry.ExpiresAt && IsCurrent(entry))
        {
            Interlocked.Increment(ref _hits);
            return (TResult)entry.Value;
        }

        Interlocked.Increment(ref _misses);
        var fresh = new Entry(scope, now + _ttlTicks);
        Snapshot(fresh);
        TResult result = compute(state);
        fresh.Value = result;
        if (_entries.TryAdd(key, fresh))
        {
            Interlocked.Increment(ref _count);
            _order.Enqueue(key);
            Evict();
        }
        else
        {
            _entries[key] = fresh;
        }

        return result;
    }

    /// <summary>
    /// Marks every cached result over <paramref name="scope"/> stale. Call after a write is applied and before it is
    /// acknowledged.
    /// </summary>
    public void Invalidate(MemoryScope scope)
    {
        if (scope == MemoryScope.None)
        {
            return;
        }

        for (int k = 0; k < KindCount; k++)
        {
            if (((int)scope & (1 << k)) != 0)
            {
                Interlocked.Increment(ref _versions[k * 8]);
            }
        }

        Interlocked.Increment(ref _invalidations);
    }

    /// <summary>Drops every entry.</summary>
    /// <remarks>Entries added concurrently with a clear may be counted a little off; the bound is then approximate.</remarks>
    public void Clear()
    {
        _entries.Clear();
        _order.Clear();
        Volatile.Write(ref _count, 0);
    }

    private void Snapshot(Entry entry)
    {
        for (int k = 0; k < KindCount; k++)
        {
            entry.Versions[k] = Volatile.Read(ref _versions[k * 8]);
        }
    }

    private bool IsCurrent(Entry entry)
    {
        for (int k = 0; k < KindCount; k++)
        {
            if (((int)entry.Scope & (1 << k)) != 0 && Volatile.Read(ref _versions[k * 8]) != entry.Versions[k])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Drops the oldest entries while more than the maximum are held. Counts with <see cref="_count"/>, not
    /// <see cref="ConcurrentDictionary{TKey, TValue}.Count"/>: that takes every lock of the table (their number grows with
    /// the table), and eviction runs on every miss.
    /// </summary>
    private void Evict()
    {
        while (Volatile.Read(ref _count) > _options.MaxEntries && _order.TryDequeue(out QueryKey oldest))
        {
            if (_entries.TryRemove(oldest, out _))
            {
                Interlocked.Decrement(ref _count);
            }
        }
    }

    private sealed class Entry(MemoryScope scope, long expiresAt)
    {
        public MemoryScope Scope { get; } = scope;

        public long ExpiresAt { get; } = expiresAt;

        /// <summary>The version of each kind when the query started (inline: no array per entry).</summary>
        public VersionSnapshot Versions;

        public object Value { get; set; } = null!;
    }

    [System.Runtime.CompilerServices.InlineArray(KindCount)]
    private struct VersionSnapshot
    {
        private long _element;
    }
}
