namespace AgentDb.Storage;

/// <summary>Settings of a <see cref="RocksDbRecordStore"/>.</summary>
internal sealed class RecordStoreOptions
{
    /// <summary>
    /// Turns RocksDB's own WAL off (and atomic flush on). The FASTER log stays the durable WAL either way; the database
    /// turns it off by default (measured faster for small writes; see <c>AgentDatabaseOptions.RecordStoreWal</c>).
    /// </summary>
    public bool DisableWal { get; init; }

    /// <summary>The memtable size per column family (default 64 MiB).</summary>
    public long WriteBufferBytes { get; init; } = 64L << 20;

    /// <summary>
    /// The budget of the store's <see cref="RecordCache"/> in front of point reads (default 64 MiB); 0 turns it off.
    /// </summary>
    public long RecordCacheBytes { get; init; } = 64L << 20;
}
