namespace AgentDb;

/// <summary>Whether a database takes client writes or copies another database's log.</summary>
/// <remarks>Persisted nowhere; the values are nevertheless append-only (they appear in stats and on the wire as numbers).</remarks>
public enum DatabaseRole
{
    /// <summary>Takes client writes; its log is the source replicas copy.</summary>
    Primary = 0,

    /// <summary>Refuses client writes (<see cref="NotPrimaryException"/>); applies its primary's log entries through <see cref="AgentDatabase.ApplyReplicated(Log.LogRecord)"/>.</summary>
    Replica = 1,
}
