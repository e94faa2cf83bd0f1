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

    /// <summary>Attach a <see cref="Provenance.RecallCertificate"/> over the returned records.</summary>
    public bool WithCertificate { get; init; }
}
