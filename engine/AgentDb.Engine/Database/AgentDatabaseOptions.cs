using AgentDb.Log;

namespace AgentDb;

/// <summary>Settings for <see cref="AgentDatabase.Open"/>.</summary>
public sealed class AgentDatabaseOptions
{
    /// <summary>When writes are acknowledged relative to log durability (default <see cref="DurabilityMode.Group"/>).</summary>
    public DurabilityMode Durability { get; init; } = DurabilityMode.Group;

    /// <summary>The group commit period (default 2 ms).</summary>
    public TimeSpan GroupCommitInterval { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>The largest payload one record may carry (default 1 MiB).</summary>
    public int MaxPayloadBytes { get; init; } = 1 << 20;

    /// <summary>
    /// When the write-ahead log retains more than this many bytes, a checkpoint runs in the background (flush the record
    /// store, truncate the log). Default 256 MiB; 0 turns automatic checkpoints off.
    /// </summary>
    public long CheckpointLogBytes { get; init; } = 256L << 20;

    /// <summary>
    /// Keeps RocksDB's own (unsynced) WAL on. Default false: the FASTER log is the durable WAL, RocksDB runs with atomic
    /// flush, and the log is truncated only below what a RocksDB flush made durable. Measured on the storage benchmark
    /// (384-dim records, one writer): with it off, single-record ingest ran +58% in Sync and +74% in None mode;
    /// 1000-record batches were within noise.
    /// </summary>
    public bool RecordStoreWal { get; init; }

    /// <summary>log2 of the log page size (default 22: 4 MiB); one log entry (a whole batch) must fit in a page.</summary>
    public int LogPageSizeBits { get; init; } = 22;

    /// <summary>log2 of the in-memory log buffer (default 24: 16 MiB).</summary>
    public int LogMemorySizeBits { get; init; } = 24;

    /// <summary>
    /// Vectors at which a collection's index moves from the exact scan (every stored vector found) to HNSW segments
    /// (approximate, persisted at checkpoints). Default 20,000; at least 1.
    /// </summary>
    public int HnswThreshold { get; init; } = Index.TieredVectorIndex.DefaultHnswThreshold;

    /// <summary>
    /// The role the database opens in (default <see cref="DatabaseRole.Primary"/>). A replica refuses client writes with
    /// <see cref="NotPrimaryException"/> and takes its primary's entries through <see cref="AgentDatabase.ApplyReplicated(Log.LogRecord)"/>.
    /// </summary>
    public DatabaseRole Role { get; init; } = DatabaseRole.Primary;

    /// <summary>Receives warnings, such as a torn log tail cut at open. Null discards them.</summary>
    public Action<string>? Warning { get; init; }
}
