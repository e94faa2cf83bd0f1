using System.Diagnostics.CodeAnalysis;
using AgentDb.Kernels;

namespace AgentDb.Storage;

/// <summary>
/// Durable records grouped in collections, plus the LSN of the last log entry applied, always written in the same atomic
/// batch as the data it describes. The write-ahead log is the source of truth; the store is its materialised state.
/// </summary>
/// <remarks>
/// Threading: the apply methods (<see cref="CreateCollection"/>, <see cref="DropCollection"/>, <see cref="ApplyWrites"/>)
/// are called by one thread at a time, in LSN order. Reads may run concurrently with <see cref="ApplyWrites"/>, but the
/// caller must keep reads of a collection away from its <see cref="DropCollection"/>.
/// </remarks>
internal interface IRecordStore : IDisposable
{
    /// <summary>The LSN of the last log entry applied (0 for a new store).</summary>
    long AppliedLsn { get; }

    /// <summary>The collections that exist, by id.</summary>
    IReadOnlyCollection<CollectionDescriptor> Collections { get; }

    /// <summary>Creates a collection's column family and descriptor (with its HNSW parameters); records <paramref name="lsn"/> as applied.</summary>
    CollectionDescriptor CreateCollection(long lsn, string name, int dimension, DistanceMetric metric, long createdUnixMs, int hnswM, int hnswEfConstruction);

    /// <summary>Removes a collection and all its records; records <paramref name="lsn"/> as applied. False when unknown.</summary>
    bool DropCollection(long lsn, long collectionId);

    /// <summary>
    /// Applies all writes of one log entry in one atomic batch together with <paramref name="lsn"/> as the applied LSN.
    /// Writes to collections that no longer exist are skipped. <paramref name="outcomes"/> receives one outcome per write.
    /// </summary>
    void ApplyWrites(long lsn, long timestampUnixMs, ReadOnlySpan<RecordWrite> writes, Span<RecordWriteOutcome> outcomes);

    /// <summary>
    /// The first half of <see cref="ApplyWrites"/>: looks up the stored records and builds the atomic batch, filling
    /// <paramref name="outcomes"/>, but writes nothing and changes nothing a read can see. <see cref="CommitPreparedWrites"/>
    /// with the same <paramref name="lsn"/> and writes must follow before any other apply method is called.
    /// </summary>
    void PrepareWrites(long lsn, long timestampUnixMs, ReadOnlySpan<RecordWrite> writes, Span<RecordWriteOutcome> outcomes);

    /// <summary>Writes the batch <see cref="PrepareWrites"/> built for <paramref name="lsn"/> and records the LSN as applied.</summary>
    /// <exception cref="InvalidOperationException">No batch was prepared for <paramref name="lsn"/>.</exception>
    void CommitPreparedWrites(long lsn, ReadOnlySpan<RecordWrite> writes);

    /// <summary>
    /// Replaces the names of the collection's payload-indexed fields (kept with its metadata, <see cref="CollectionDescriptor.PayloadIndexFields"/>)
    /// in one atomic batch with <paramref name="lsn"/> as the applied LSN.
    /// </summary>
    void SetPayloadIndexFields(long lsn, CollectionDescriptor collection, string[] fields);

    /// <summary>Calls <paramref name="visitor"/> with the internal id and payload of every record of the collection.</summary>
    void VisitPayloads<TVisitor>(CollectionDescriptor collection, ref TVisitor visitor)
        where TVisitor : struct, IPayloadVisitor;

    /// <summary>Records only that <paramref name="lsn"/> was applied (an entry with nothing to store).</summary>
    void MarkApplied(long lsn);

    /// <summary>Reads one record by id.</summary>
    bool TryGet(CollectionDescriptor collection, ReadOnlySpan<byte> idUtf8, [NotNullWhen(true)] out StoredRecord? record);

    /// <summary>Reads one record by id into a reused buffer and shows it to <paramref name="visitor"/> in place; false when it does not exist.</summary>
    bool TryRead<TVisitor>(CollectionDescriptor collection, scoped ReadOnlySpan<byte> idUtf8, ref TVisitor visitor)
        where TVisitor : IRecordVisitor, allows ref struct;

    /// <summary>Reads one record by its internal id (a vector index hit).</summary>
    bool TryGetByInternalId(CollectionDescriptor collection, long internalId, [NotNullWhen(true)] out StoredRecord? record);

    /// <summary>
    /// Appends to <paramref name="results"/> up to <paramref name="limit"/> records with ids in
    /// [<paramref name="fromInclusive"/>, <paramref name="toExclusive"/>) in byte order; an empty upper bound is open.
    /// Without <paramref name="includeVectors"/> the records carry no vector (none is copied out of the store).
    /// </summary>
    void Scan(CollectionDescriptor collection, ReadOnlySpan<byte> fromInclusive, ReadOnlySpan<byte> toExclusive, int limit, List<StoredRecord> results, bool includeVectors = true);

    /// <summary>Calls <paramref name="visitor"/> with every stored vector of the collection and the LSN that last wrote its record.</summary>
    void VisitVectors<TVisitor>(CollectionDescriptor collection, ref TVisitor visitor)
        where TVisitor : struct, IVectorVisitor;

    /// <summary>Makes everything applied so far durable in the store's own files (memtables flushed).</summary>
    void Flush();

    /// <summary>Writes a consistent point-in-time copy of the store (hard links where possible) to a new directory.</summary>
    void CreateCheckpoint(string directory);

    /// <summary>Bytes used by the store's files.</summary>
    long SizeOnDisk();
}
