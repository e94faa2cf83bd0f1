using AgentDb.Memory.Causal;
using AgentDb.Memory.Graph;
using AgentDb.Memory.Reflexion;
using AgentDb.Memory.Skills;
using AgentDb.Memory.Stores;

namespace AgentDb.Memory.Caching;

/// <summary>
/// Invalidates a replica-attached memory's query cache after replicated entries are applied, for the kinds of memory
/// whose collections those entries changed only: a steady stream of episodes leaves cached skill searches, causal
/// queries and graph traversals in place.
/// </summary>
/// <remarks>
/// Per collection of the memory it keeps the value last seen of <see cref="AgentDatabase.TryGetCollectionChangeLsn"/>
/// (an existing collection's change LSN, or, for a missing one, the LSN of the database's last drop, encoded apart);
/// a value that moved means a write, a creation, a drop or a payload index since, and the collection's kind is
/// invalidated. Nothing is known at first (every kind is invalidated on the first call). A value above the LSN the
/// call reports (an entry of a concurrent apply, not complete yet) invalidates but is not remembered, so the call that
/// reports that entry invalidates again once it is complete. Each call runs after the entries it reports are applied
/// and before the apply returns, as the blanket invalidation it replaces did, so the cache's guarantee holds: a result
/// computed before a change to a collection it read is stale once the call returns.
/// </remarks>
internal sealed class ReplicatedInvalidation
{
    private const long Unknown = long.MinValue;
    private const MemoryScope All = MemoryScope.Reflexion | MemoryScope.Skills | MemoryScope.Causal | MemoryScope.Graph;

    /// <summary>Every collection the memory reads, with the kinds a change to it invalidates (the metadata: all).</summary>
    internal static readonly (string Name, MemoryScope Scope)[] Collections =
    [
        (ReflexionMemory.Collection, MemoryScope.Reflexion),
        (ReflexionMemory.TaskIndexCollection, MemoryScope.Reflexion),
        (SkillLibrary.Collection, MemoryScope.Skills),
        (CausalMemory.Collection, MemoryScope.Causal),
        (CausalMemory.OutgoingCollection, MemoryScope.Causal),
        (CausalMemory.IncomingCollection, MemoryScope.Causal),
        (GraphStore.NodesCollection, MemoryScope.Graph),
        (GraphStore.EdgesCollection, MemoryScope.Graph),
        (GraphStore.AdjacencyCollection, MemoryScope.Graph),
        (GraphStore.LabelsCollection, MemoryScope.Graph),
        (MemoryMetadata.Collection, All),
    ];

    private readonly AgentDatabase _database;
    private readonly QueryCache _cache;
    private readonly long[] _seen = new long[Collections.Length];
    private readonly Lock _lock = new();

    public ReplicatedInvalidation(AgentDatabase database, QueryCache cache)
    {
        _database = database;
        _cache = cache;
        Array.Fill(_seen, Unknown);
    }

    /// <summary>The handler of <see cref="AgentDatabase.ReplicatedEntriesApplied"/>: never throws.</summary>
    /// <param name="appliedLsn">The last LSN the apply made visible.</param>
    public void OnApplied(long appliedLsn)
    {
        MemoryScope changed = MemoryScope.None;
        lock (_lock) // applies from two threads at once would otherwise race on _seen
        {
            try
            {
                for (int i = 0; i < Collections.Length; i++)
                {
                    bool exists = _database.TryGetCollectionChangeLsn(Collections[i].Name, out long lsn);
                    long current = exists ? lsn : -1 - lsn; // a missing collection: negative, apart from every change LSN
                    if (current != _seen[i])
                    {
                        changed |= Collections[i].Scope;
                        if (lsn <= appliedLsn)
                        {
                            _seen[i] = current;
                        }
                    }
                }
            }
            catch (ObjectDisposedException)
            {
                changed = All; // the database closed under the apply: nothing is known
            }

            _cache.Invalidate(changed);
        }
    }
}
