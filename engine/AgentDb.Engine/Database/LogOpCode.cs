namespace AgentDb;

/// <summary>The kind of database operation a write-ahead log entry carries.</summary>
/// <remarks>Persisted in log entries (and shipped to replicas as raw log bytes): values are explicit and append-only; never renumber.</remarks>
internal enum LogOpCode : byte
{
    /// <summary>Create a collection; its id is the entry's LSN.</summary>
    CreateCollection = 1,

    /// <summary>Drop a collection and all its records.</summary>
    DropCollection = 2,

    /// <summary>One or more record upserts/deletes applied atomically (a single upsert, delete or a whole batch).</summary>
    Writes = 3,

    /// <summary>A primary's term (epoch) begins at this entry: <c>i64 epoch</c>. Changes no record; recorded in the epoch history.</summary>
    Epoch = 4,

    /// <summary>Create a payload equality index on a collection's top-level field (idempotent).</summary>
    CreatePayloadIndex = 5,
}
