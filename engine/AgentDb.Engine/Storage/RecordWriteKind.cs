namespace AgentDb.Storage;

/// <summary>What one write in a log entry does to a record.</summary>
/// <remarks>Persisted in log entries: values are explicit and append-only; never renumber.</remarks>
internal enum RecordWriteKind : byte
{
    /// <summary>Insert or replace the whole record (payload, vector).</summary>
    Upsert = 1,

    /// <summary>Remove the record if it exists.</summary>
    Delete = 2,
}
