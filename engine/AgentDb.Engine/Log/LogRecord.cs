namespace AgentDb.Log;

/// <summary>One committed entry read back from a write-ahead log: its LSN and the payload bytes that were appended.</summary>
/// <param name="Lsn">The log sequence number the log assigned when the entry was appended.</param>
/// <param name="Payload">The payload exactly as appended (the log's own entry header is not included).</param>
public readonly record struct LogRecord(long Lsn, ReadOnlyMemory<byte> Payload);
