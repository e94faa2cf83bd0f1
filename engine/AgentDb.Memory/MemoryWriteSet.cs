using AgentDb.Memory.Caching;
using AgentDb.Memory.Stores;

namespace AgentDb.Memory;

/// <summary>
/// Writes staged by controllers, grouped per store: one <see cref="RecordBatch"/> per store, committed as one atomic
/// log entry per store, after which the cache is invalidated for every kind of memory touched — before the caller
/// returns, so no acknowledged write is hidden by a cached result. Not thread-safe.
/// </summary>
/// <remarks>
/// The record batches come from a small shared pool and go back to it (cleared) after <see cref="Commit"/>,
/// <see cref="CommitAsync"/> or <see cref="Clear"/>, which leave the set empty: a batch of 1,000 episodes grows its
/// buffer to a few MiB, and growing a fresh one for every call cost more than the copies themselves (large-object
/// garbage). The engine does not keep a batch after <see cref="AgentDatabase.Batch"/> returns.
/// </remarks>
internal sealed class MemoryWriteSet
{
    private const int PoolCapacity = 8;
    private static readonly Stack<RecordBatch> s_pool = new(PoolCapacity);

    private readonly List<(AgentDatabase Store, RecordBatch Batch)> _batches = new(1);
    private MemoryScope _scope;

    /// <summary>Kinds of memory touched so far.</summary>
    public MemoryScope Scope => _scope;

    /// <summary>Stores touched so far.</summary>
    public int StoreCount => _batches.Count;

    /// <summary>Operations staged so far.</summary>
    public int Count
    {
        get
        {
            int count = 0;
            foreach ((_, RecordBatch batch) in _batches)
            {
                count += batch.Count;
            }

            return count;
        }
    }

    /// <summary>The batch of <paramref name="store"/>, recording that <paramref name="kind"/> is written.</summary>
    public RecordBatch For(AgentDatabase store, MemoryKind kind)
    {
        _scope |= MemoryContext.ScopeOf(kind);
        foreach ((AgentDatabase existing, RecordBatch batch) in _batches)
        {
            if (ReferenceEquals(existing, store))
            {
                return batch;
            }
        }

        RecordBatch created = Rent();
        _batches.Add((store, created));
        return created;
    }

    /// <summary>
    /// Commits every store's batch (each atomic on its own), then invalidates the cache.
    /// </summary>
    /// <param name="cache">The cache to invalidate.</param>
    /// <param name="requireSingleStore">Refuse (before writing anything) when the writes span several stores, so the whole set is atomic.</param>
    /// <exception cref="InvalidOperationException">The writes span several stores and <paramref name="requireSingleStore"/> is set.</exception>
    public void Commit(QueryCache cache, bool requireSingleStore)
    {
        CheckSingle(requireSingleStore);
        try
        {
            foreach ((AgentDatabase store, RecordBatch batch) in _batches)
            {
                if (batch.Count > 0)
                {
                    store.Batch(batch);
                }
            }
        }
        finally
        {
            cache.Invalidate(_scope);
            Clear();
        }
    }

    /// <summary>The asynchronous form of <see cref="Commit"/>.</summary>
    public async ValueTask CommitAsync(QueryCache cache, bool requireSingleStore, CancellationToken cancellationToken)
    {
        CheckSingle(requireSingleStore);
        try
        {
            foreach ((AgentDatabase store, RecordBatch batch) in _batches)
            {
                if (batch.Count > 0)
                {
                    await store.BatchAsync(batch, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            cache.Invalidate(_scope);
            Clear();
        }
    }

    /// <summary>Drops everything staged (returning the batches to the pool).</summary>
    public void Clear()
    {
        foreach ((_, RecordBatch batch) in _batches)
        {
            Return(batch);
        }

        _batches.Clear();
        _scope = MemoryScope.None;
    }

    /// <summary>Refuses (before anything is written) a set whose writes span several stores.</summary>
    /// <exception cref="InvalidOperationException">The writes span several stores.</exception>
    public void EnsureSingleStore() => CheckSingle(requireSingleStore: true);

    private void CheckSingle(bool requireSingleStore)
    {
        if (requireSingleStore && _batches.Count > 1)
        {
            throw new InvalidOperationException(
                $"This batch writes to {_batches.Count} stores (functional or session shards); a batch is atomic only within one store. " +
                "Split it per kind of memory (and per session shard), or use an unsharded layout.");
        }
    }

    private static RecordBatch Rent()
    {
        lock (s_pool)
        {
            if (s_pool.TryPop(out RecordBatch? batch) && batch is not null)
            {
                return batch;
            }
        }

        return new RecordBatch();
    }

    private static void Return(RecordBatch batch)
    {
        batch.Clear();
        lock (s_pool)
        {
            if (s_pool.Count < PoolCapacity)
            {
                s_pool.Push(batch);
            }
        }
    }
}
