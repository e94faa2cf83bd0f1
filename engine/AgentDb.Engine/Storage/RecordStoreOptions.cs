namespace AgentDb.Storage;

/// <summary>Settings of a <see cref="RocksDbRecordStore"/>.</summary>
internal sealed class RecordStoreOptions
{
    /// <summary>
    /// Turns RocksDB's own WAL off (and atomic flush on). The FASTER log stays the durable WAL either way; see the
    /// storage benchmark for whether it pays.
    /// </summary>
    public bool DisableWal { get; init; }

    /// <summary>The memtable size per column family (default 64 MiB).</summary>
    public long WriteBufferBytes { get; init; } = 64L << 20;
}
