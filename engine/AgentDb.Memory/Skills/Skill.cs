namespace AgentDb.Memory.Skills;

/// <summary>
/// A reusable skill: a named piece of code with its signature and running statistics. The same type is given to
/// <see cref="SkillLibrary.CreateSkill"/> and returned by reads; returned skills carry their timestamps and stored
/// vector and are immutable.
/// </summary>
public sealed record Skill
{
    /// <summary>The skill's name, its unique id (not empty, at most 512 UTF-8 bytes).</summary>
    public required string Name { get; init; }

    /// <summary>What the skill does.</summary>
    public string? Description { get; init; }

    /// <summary>How it is called.</summary>
    public string? Signature { get; init; }

    /// <summary>The code.</summary>
    public string? Code { get; init; }

    /// <summary>The fraction of uses that succeeded, in [0, 1].</summary>
    public double SuccessRate { get; init; }

    /// <summary>How many times it was used (not negative).</summary>
    public long Uses { get; init; }

    /// <summary>The mean reward of its uses (finite).</summary>
    public double AverageReward { get; init; }

    /// <summary>The mean latency of its uses in ms (finite, not negative).</summary>
    public double AverageLatencyMs { get; init; }

    /// <summary>
    /// For a skill made by <see cref="SkillLibrary.ConsolidateEpisodes"/>: the task it was consolidated from; null for
    /// skills created by callers (consolidation never overwrites those).
    /// </summary>
    public string? SourceTask { get; internal init; }

    /// <summary>When the skill was first stored (Unix ms; set on returned skills).</summary>
    public long CreatedUnixMs { get; internal init; }

    /// <summary>When the skill was last written (Unix ms; set on returned skills).</summary>
    public long UpdatedUnixMs { get; internal init; }

    /// <summary>The embedding of <c>Name + " " + Description</c>. Empty when creating: the memory's embedder embeds that text.</summary>
    public ReadOnlyMemory<float> Vector { get; init; }
}
