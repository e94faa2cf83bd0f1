namespace AgentDb.Memory.Stores;

/// <summary>
/// How a memory directory is split into stores (each an <see cref="AgentDatabase"/> with its own log and lock).
/// Fixed when the directory is created: opening it with another layout is refused.
/// </summary>
public sealed record MemoryStoreLayout
{
    /// <summary>The largest <see cref="SessionShards"/>.</summary>
    public const int MaxSessionShards = 256;

    /// <summary>
    /// False (the default): every kind of memory shares one store, so a <c>MemoryBatch</c> can mix kinds atomically.
    /// True: reflexion, skills, causal and graph each live in a store of their own (functional shards), so their writes
    /// never wait on each other's commits.
    /// </summary>
    public bool Functional { get; init; }

    /// <summary>
    /// How many stores reflexion episodes are hash-partitioned across by session id (1, the default, means none).
    /// Retrievals query every shard and merge; an episode's shard is <c>XxHash32(UTF-8 session id) mod N</c>.
    /// </summary>
    public int SessionShards { get; init; } = 1;

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="SessionShards"/> is outside [1, 256].</exception>
    public void Validate()
    {
        if (SessionShards is < 1 or > MaxSessionShards)
        {
            throw new ArgumentOutOfRangeException(nameof(SessionShards), SessionShards, $"SessionShards must be between 1 and {MaxSessionShards}.");
        }
    }
}
