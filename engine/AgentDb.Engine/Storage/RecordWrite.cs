namespace AgentDb.Storage;

/// <summary>
/// One write to apply, as views into a decoded log entry: nothing is copied until it goes into the RocksDB batch.
/// </summary>
/// <param name="CollectionId">The collection's id (the LSN that created it).</param>
/// <param name="Kind">Upsert or delete.</param>
/// <param name="Id">The record id, UTF-8.</param>
/// <param name="Payload">The payload (upserts only).</param>
/// <param name="Vector">The vector as little-endian float32 bytes; empty when the record has none.</param>
internal readonly record struct RecordWrite(long CollectionId, RecordWriteKind Kind, ReadOnlyMemory<byte> Id, ReadOnlyMemory<byte> Payload, ReadOnlyMemory<byte> Vector);
