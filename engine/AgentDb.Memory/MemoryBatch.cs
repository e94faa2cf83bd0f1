using AgentDb.Memory.Graph;
using AgentDb.Memory.Reflexion;
using AgentDb.Memory.Skills;

namespace AgentDb.Memory;

/// <summary>
/// Writes queued from several controllers and executed as ONE atomic write: all or none, one log entry, one commit.
/// Validation happens when an operation is queued; nothing is visible until <see cref="Execute"/> returns. Not
/// thread-safe; reusable after <see cref="Execute"/> or <see cref="Clear"/>.
/// </summary>
/// <remarks>
/// Atomicity needs one store: with an unsharded layout every operation qualifies; with functional shards or session
/// shards, a batch whose operations land in different stores is refused by <see cref="Execute"/> before anything is
/// written (split it per kind of memory / per session shard). If queuing an operation throws, the batch may hold part of
/// that operation, so it refuses to execute until <see cref="Clear"/>.
/// Graph operations are checked (end nodes exist, cascades of node deletes) when the batch executes, under the graph's
/// write lock, so a concurrent graph write cannot make them stale; their errors therefore surface from
/// <see cref="Execute"/>, which then writes nothing. Their ids are fixed when they are queued.
/// </remarks>
public sealed class MemoryBatch
{
    private readonly AgentMemory _memory;
    private readonly MemoryContext _context;
    private readonly MemoryWriteSet _writes = new();
    private readonly List<Action<MemoryWriteSet>> _graph = new();
    private int _operations;
    private bool _poisoned;

    internal MemoryBatch(AgentMemory memory, MemoryContext context)
    {
        _memory = memory;
        _context = context;
    }

    /// <summary>Operations queued.</summary>
    public int Count => _operations;

    /// <summary>Queues an episode; returns its id (generated unless the episode has one).</summary>
    public string StoreEpisode(Episode episode) => Stage(() => _memory.Reflexion.StageEpisode(_writes, episode));

    /// <summary>Queues several episodes (their task texts embedded in one batch); returns their ids in order.</summary>
    public IReadOnlyList<string> StoreEpisodes(IReadOnlyList<Episode> episodes) => Stage(() => _memory.Reflexion.StageEpisodes(_writes, episodes));

    /// <summary>Queues the creation of a skill (refused at queue time if the name exists).</summary>
    public MemoryBatch CreateSkill(Skill skill)
    {
        Stage(() =>
        {
            _memory.Skills.StageCreateSkill(_writes, skill);
            return true;
        });
        return this;
    }

    /// <summary>Queues the creation or replacement of a skill.</summary>
    public MemoryBatch UpsertSkill(Skill skill)
    {
        Stage(() =>
        {
            _memory.Skills.StageUpsertSkill(_writes, skill);
            return true;
        });
        return this;
    }

    /// <summary>Queues a causal edge (see <see cref="Causal.CausalMemory.AddEdge"/>); returns its edge id.</summary>
    public string AddCausalEdge(string from, string to, string? mechanism, double uplift, double confidence, long sampleSize = 0, IReadOnlyList<string>? evidenceIds = null) =>
        Stage(() => _memory.Causal.StageAddEdge(_writes, from, to, mechanism, uplift, confidence, sampleSize, evidenceIds));

    /// <summary>Queues the removal of a causal edge.</summary>
    public MemoryBatch RemoveCausalEdge(string from, string to, string? mechanism)
    {
        Stage(() => _memory.Causal.StageRemoveEdge(_writes, from, to, mechanism));
        return this;
    }

    /// <summary>Queues a graph node (refused at execution if its id exists); returns its id (generated now unless given).</summary>
    public string AddNode(GraphNodeInput node)
    {
        ArgumentNullException.ThrowIfNull(node);
        GraphNodeInput fixedId = node.Id is null ? node with { Id = GraphIds.New() } : node;
        return QueueGraph(writes => _memory.Graph.StageAddNode(writes, fixedId), fixedId.Id!);
    }

    /// <summary>Queues the creation or replacement of a graph node; returns its id.</summary>
    public string UpsertNode(GraphNodeInput node)
    {
        ArgumentNullException.ThrowIfNull(node);
        GraphNodeInput fixedId = node.Id is null ? node with { Id = GraphIds.New() } : node;
        return QueueGraph(writes => _memory.Graph.StageUpsertNode(writes, fixedId), fixedId.Id!);
    }

    /// <summary>Queues the deletion of a node with all its edges (nothing happens if it does not exist).</summary>
    public MemoryBatch DeleteNode(string id)
    {
        QueueGraph(writes => _memory.Graph.StageDeleteNode(writes, id), id);
        return this;
    }

    /// <summary>Queues a graph edge (its end nodes must exist when the batch executes, or be queued before it); returns its id.</summary>
    public string AddEdge(GraphEdgeInput edge)
    {
        ArgumentNullException.ThrowIfNull(edge);
        GraphEdgeInput fixedId = edge.Id is null ? edge with { Id = GraphIds.New() } : edge;
        return QueueGraph(writes => _memory.Graph.StageAddEdge(writes, fixedId), fixedId.Id!);
    }

    /// <summary>Queues the deletion of a graph edge.</summary>
    public MemoryBatch DeleteEdge(string id)
    {
        QueueGraph(writes => _memory.Graph.StageDeleteEdge(writes, id), id);
        return this;
    }

    /// <summary>Writes everything queued as one atomic write and empties the batch.</summary>
    /// <exception cref="InvalidOperationException">The batch spans several stores, or an earlier queuing failed.</exception>
    public void Execute()
    {
        CheckExecutable();
        try
        {
            if (_graph.Count == 0)
            {
                _writes.Commit(_context.Cache, requireSingleStore: true);
                return;
            }

            SemaphoreSlim gate = _memory.Graph.WriteGate;
            gate.Wait();
            try
            {
                _memory.Graph.DrainInFlight();
                StageGraph();
                _writes.Commit(_context.Cache, requireSingleStore: true);
            }
            finally
            {
                gate.Release();
            }
        }
        finally
        {
            Reset();
        }
    }

    /// <summary>The asynchronous form of <see cref="Execute"/>.</summary>
    /// <exception cref="InvalidOperationException">The batch spans several stores, or an earlier queuing failed.</exception>
    public async ValueTask ExecuteAsync(CancellationToken cancellationToken = default)
    {
        CheckExecutable();
        try
        {
            if (_graph.Count == 0)
            {
                await _writes.CommitAsync(_context.Cache, requireSingleStore: true, cancellationToken).ConfigureAwait(false);
                return;
            }

            // The graph's write gate is asynchronous: waiting for it and for the commit blocks no thread.
            SemaphoreSlim gate = _memory.Graph.WriteGate;
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await _memory.Graph.DrainInFlightAsync().ConfigureAwait(false);
                StageGraph();
                await _writes.CommitAsync(_context.Cache, requireSingleStore: true, CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        }
        finally
        {
            Reset();
        }
    }

    /// <summary>Drops everything queued (also after a failed queuing).</summary>
    public void Clear() => Reset();

    private T Stage<T>(Func<T> stage)
    {
        if (_poisoned)
        {
            throw new InvalidOperationException("An earlier operation failed while being queued; call Clear() before reusing this batch.");
        }

        try
        {
            T result = stage();
            _operations++;
            return result;
        }
        catch
        {
            _poisoned = true;
            throw;
        }
    }

    private string QueueGraph(Action<MemoryWriteSet> stage, string id)
    {
        if (_poisoned)
        {
            throw new InvalidOperationException("An earlier operation failed while being queued; call Clear() before reusing this batch.");
        }

        ArgumentException.ThrowIfNullOrEmpty(id);
        _graph.Add(stage);
        _operations++;
        return id;
    }

    private void StageGraph()
    {
        foreach (Action<MemoryWriteSet> stage in _graph)
        {
            stage(_writes);
        }

        _writes.EnsureSingleStore();
    }

    private void CheckExecutable()
    {
        if (_poisoned)
        {
            throw new InvalidOperationException("An operation failed while being queued, so the batch may hold part of it; call Clear() and queue again.");
        }

        _writes.EnsureSingleStore();
    }

    private void Reset()
    {
        _writes.Clear();
        _graph.Clear();
        _operations = 0;
        _poisoned = false;
    }
}
