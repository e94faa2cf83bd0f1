namespace AgentDb.Log;

/// <summary>
/// When an append is acknowledged relative to the moment it becomes durable in the write-ahead log.
/// </summary>
/// <remarks>
/// Persisted in configuration and sent on the wire: values are explicit and append-only; never renumber.
/// </remarks>
public enum DurabilityMode
{
    /// <summary>Every acknowledgement waits for a commit (flush to stable storage) that covers the entry.</summary>
    Sync = 0,

    /// <summary>
    /// A background group commit runs every <see cref="WriteAheadLogOptions.GroupCommitInterval"/>; an acknowledgement
    /// waits for the group commit that covers it.
    /// </summary>
    Group = 1,

    /// <summary>
    /// Acknowledgements do not wait for durability; the background committer still flushes at the group interval,
    /// so a crash loses at most the entries appended since the last commit.
    /// </summary>
    None = 2,
}
