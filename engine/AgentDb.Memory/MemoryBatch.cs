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
/// </remarks>
public sealed class MemoryBatch
{
    private readonly AgentMemory _memory;
    private readonly MemoryContext _context;
    private readonly MemoryWriteSet _writes = new();
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

    /// <summary>Writes everything queued as one atomic write and empties the batch.</summary>
    /// <exception cref="InvalidOperationException">The batch spans several stores, or an earlier queuing failed.</exception>
    public void Execute()
    {
        CheckExecutable();
        try
        {
            _writes.Commit(_context.Cache, requireSingleStore: true);
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
            await _writes.CommitAsync(_context.Cache, requireSingleStore: true, cancellationToken).ConfigureAwait(false);
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

    private void CheckExecutable()
    {
        if (_poisoned)
        {
            throw new InvalidOperationException("An operation failed while being queued, so the batch may hold part of it; call Clear() and queue again.");
        }

        if (_writes.StoreCount > 1)
        {
            throw new InvalidOperationException(
                $"This batch writes to {_writes.StoreCount} stores (functional or session shards); a batch is atomic only within one store. " +
                "Split it per kind of memory (and per session shard), or use an unsharded layout.");
        }
    }

    private void Reset()
    {
        _writes.Clear();
        _operations = 0;
        _poisoned = false;
    }
}
