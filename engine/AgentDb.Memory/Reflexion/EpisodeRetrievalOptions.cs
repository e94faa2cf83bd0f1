namespace AgentDb.Memory.Reflexion;

/// <summary>What <see cref="ReflexionMemory.RetrieveRelevant(string, EpisodeRetrievalOptions?)"/> returns.</summary>
public sealed record EpisodeRetrievalOptions
{
    /// <summary>How many episodes at most (1 to <see cref="AgentDatabase.MaxSearchResults"/>; default 5).</summary>
    public int K { get; init; } = 5;

    /// <summary>Keep only episodes whose reward is at least this (null: no minimum; must be finite).</summary>
    public double? MinReward { get; init; }

    /// <summary>Keep successes, failures or both (default both).</summary>
    public EpisodeOutcome Outcome { get; init; } = EpisodeOutcome.Any;

    /// <summary>Keep only this session's episodes (null: every session). Only the session's shard is searched.</summary>
    public string? SessionId { get; init; }

    /// <summary>Keep only episodes with <see cref="Episode.TimestampUnixMs"/> ≥ this (null: no lower bound).</summary>
    public long? FromUnixMs { get; init; }

    /// <summary>Keep only episodes with <see cref="Episode.TimestampUnixMs"/> &lt; this (exclusive; null: no upper bound).</summary>
    public long? ToUnixMs { get; init; }

    /// <summary>
    /// The HNSW search beam width of each shard's vector search (1 to <see cref="AgentDatabase.MaxSearchEf"/>; null:
    /// <see cref="ReflexionMemory.DefaultSearchEf"/>, 96). Raised to the number of episodes fetched (k, or the
    /// over-fetch when filtering by reward, outcome or time). Wider finds more of the true nearest episodes and costs
    /// more; it only matters once a shard's episodes are indexed by HNSW (past
    /// <see cref="AgentDatabaseOptions.HnswThreshold"/> vectors).
    /// </summary>
    public int? Ef { get; init; }

    /// <summary>
    /// Whether the returned episodes carry their stored <see cref="Episode.Vector"/> (default true). A vector is most of
    /// an episode's memory (1.5 KiB at 384 dimensions) and cached results keep it alive; callers that do not need the
    /// embeddings save that by setting false.
    /// </summary>
    public bool IncludeVectors { get; init; } = true;

    /// <summary>Attach a <see cref="Provenance.RecallCertificate"/> over the returned records.</summary>
    public bool WithCertificate { get; init; }
}
