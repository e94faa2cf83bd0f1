namespace AgentDb;

/// <summary>One record as stored: its id, opaque payload, optional vector, timestamps and the LSN that last wrote it.</summary>
public sealed class StoredRecord
{
    internal StoredRecord(string id, byte[] payload, float[]? vector, long createdUnixMs, long updatedUnixMs, long lsn)
    {
        Id = id;
        Payload = payload;
        Vector = vector;
        CreatedUnixMs = createdUnixMs;
        UpdatedUnixMs = updatedUnixMs;
        Lsn = lsn;
    }

    /// <summary>The record's id within its collection (at most 512 bytes of UTF-8).</summary>
    public string Id { get; }

    /// <summary>The payload bytes exactly as written (MessagePack by convention; opaque to storage).</summary>
    public byte[] Payload { get; }

    /// <summary>The record's vector, or null when it was written without one.</summary>
    public float[]? Vector { get; }

    /// <summary>When the record was first written (Unix milliseconds, UTC); kept across upserts.</summary>
    public long CreatedUnixMs { get; }

    /// <summary>When the record was last written (Unix milliseconds, UTC).</summary>
    public long UpdatedUnixMs { get; }

    /// <summary>The LSN of the log entry that last wrote the record.</summary>
    public long Lsn { get; }
}
