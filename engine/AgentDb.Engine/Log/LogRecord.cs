namespace AgentDb.Log;

/// <summary>One committed entry read back from a write-ahead log: its LSN and the payload bytes that were appended.</summary>
/// <param name="Lsn">The log sequence number the log assigned when the entry was appended.</param>
/// <param name="Payload">The payload exactly as appended (the log's own entry header is not included).</param>
public readonly record struct LogRecord(long Lsn, ReadOnlyMemory<byte> Payload)
{
    /// <summary>
    /// The LSN of the entry before this one in the log it was read from (0 for a log's first entry): a replica applies an
    /// entry only when this equals the last LSN it holds, so an entry lost on the way is detected. Records read through
    /// <see cref="IWriteAheadLog.ReadFrom"/> carry it; a record built by hand has 0 unless set.
    /// </summary>
    public long PreviousLsn { get; init; }
}
