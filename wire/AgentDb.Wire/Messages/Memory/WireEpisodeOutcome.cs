namespace AgentDb.Wire.Messages.Memory;

/// <summary>Which outcomes an episode retrieval keeps. Persisted on the wire: values are explicit and append-only.</summary>
public enum WireEpisodeOutcome : byte
{
    /// <summary>Successes and failures.</summary>
    Any = 0,

    /// <summary>Successes only.</summary>
    SuccessesOnly = 1,

    /// <summary>Failures only.</summary>
    FailuresOnly = 2,
}
