using System.Collections.ObjectModel;

namespace AgentDb.Memory.Reflexion;

/// <summary>
/// One attempt of an agent at a task, with its outcome and the agent's own critique (Reflexion). The same type is
/// given to <see cref="ReflexionMemory.StoreEpisode"/> and returned by retrievals; returned episodes always carry their
/// <see cref="Id"/>, <see cref="TimestampUnixMs"/> and stored <see cref="Vector"/> (unless a retrieval sets
/// <see cref="EpisodeRetrievalOptions.IncludeVectors"/> false), and are immutable.
/// </summary>
public sealed record Episode
{
    /// <summary>
    /// The episode's id. Null when storing: an id is generated, 40 hex digits — 16 of the task's hash, 16 of Unix ms and 8
    /// of a counter — so a task's ids sort by creation time (and the task's statistics find them by prefix).
    /// </summary>
    public string? Id { get; init; }

    /// <summary>The session the episode belongs to (the key of session sharding), or null.</summary>
    public string? SessionId { get; init; }

    /// <summary>The task text (required, not empty). Task statistics group episodes whose task texts are equal (ordinal).</summary>
    public required string Task { get; init; }

    /// <summary>What the agent was given.</summary>
    public string? Input { get; init; }

    /// <summary>What the agent produced.</summary>
    public string? Output { get; init; }

    /// <summary>The agent's critique of its attempt.</summary>
    public string? Critique { get; init; }

    /// <summary>The reward (any finite number; higher is better).</summary>
    public double Reward { get; init; }

    /// <summary>Whether the attempt succeeded.</summary>
    public bool Success { get; init; }

    /// <summary>How long the attempt took, in milliseconds (not negative).</summary>
    public long LatencyMs { get; init; }

    /// <summary>Tokens the attempt used (not negative).</summary>
    public long TokensUsed { get; init; }

    /// <summary>Tags (stored as the top-level string array <c>tags</c>, so a <see cref="PayloadFilter"/> can test them).</summary>
    public IReadOnlyList<string> Tags { get; init; } = ReadOnlyCollection<string>.Empty;

    /// <summary>Free-form string metadata.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = ReadOnlyDictionary<string, string>.Empty;

    /// <summary>When the episode happened (Unix ms, not negative). Null when storing: now.</summary>
    public long? TimestampUnixMs { get; init; }

    /// <summary>The embedding of <see cref="Task"/>. Empty when storing: the memory's embedder embeds the task text.</summary>
    public ReadOnlyMemory<float> Vector { get; init; }
}
