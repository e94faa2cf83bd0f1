namespace AgentDb.Memory.Skills;

/// <summary>Thresholds of <see cref="SkillLibrary.ConsolidateEpisodes"/>.</summary>
public sealed record SkillConsolidationOptions
{
    /// <summary>A task needs at least this many successful episodes (default 3, at least 1).</summary>
    public int MinAttempts { get; init; } = 3;

    /// <summary>The mean reward of its successful episodes must be at least this (default 0.7; finite).</summary>
    public double MinReward { get; init; } = 0.7;

    /// <summary>Only episodes with timestamps ≥ this are read (null: no lower bound).</summary>
    public long? FromUnixMs { get; init; }

    /// <summary>Only episodes with timestamps &lt; this are read (exclusive; null: no upper bound).</summary>
    public long? ToUnixMs { get; init; }
}
