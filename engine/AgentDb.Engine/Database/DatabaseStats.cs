namespace AgentDb;

/// <summary>A snapshot of a database's size and log positions.</summary>
/// <param name="Records">Records across all collections.</param>
/// <param name="BytesOnDisk">Bytes of all files in the database directory.</param>
/// <param name="RecordStoreBytes">Bytes of the RocksDB record store.</param>
/// <param name="LogBytes">Bytes of the write-ahead log files.</param>
/// <param name="AppendedLsn">The last LSN appended to the log.</param>
/// <param name="CommittedLsn">The last LSN durable in the log.</param>
/// <param name="AppliedLsn">The last LSN applied to the record store.</param>
/// <param name="FirstLogLsn">The oldest LSN the log still retains.</param>
/// <param name="Collections">Per-collection figures, including index sizes.</param>
public sealed record DatabaseStats(
    long Records,
    long BytesOnDisk,
    long RecordStoreBytes,
    long LogBytes,
    long AppendedLsn,
    long CommittedLsn,
    long AppliedLsn,
    long FirstLogLsn,
    IReadOnlyList<CollectionStats> Collections)
{
    /// <summary>Segment merges (tombstone compactions) run by checkpoints since the database was opened.</summary>
    public long IndexCompactions { get; init; }
}
