namespace AgentDb.Memory.Reflexion;

/// <summary>Which outcomes a retrieval keeps.</summary>
public enum EpisodeOutcome
{
    /// <summary>Successes and failures.</summary>
    Any = 0,

    /// <summary>Only episodes with <see cref="Episode.Success"/> set.</summary>
    SuccessesOnly = 1,

    /// <summary>Only episodes with <see cref="Episode.Success"/> clear.</summary>
    FailuresOnly = 2,
}
