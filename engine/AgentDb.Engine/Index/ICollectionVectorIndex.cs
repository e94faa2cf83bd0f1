using AgentDb.Kernels;

namespace AgentDb.Index;

/// <summary>
/// THE SEAM between storage and vector search: one index per collection, keyed by the record's internal id, derived
/// entirely from the record store (rebuilt on open, never persisted). <see cref="CollectionVectorIndexFactory.Create"/>
/// picks the implementation; today <see cref="ExactVectorIndex"/> (brute force). After the HNSW branch merges, an
/// adapter over <c>AgentDb.Index.Hnsw.HnswIndex</c> implements it: Upsert = Delete + Add, Delete = Delete,
/// Search = Search with the filter wrapped as an <c>IIdFilter</c>, Rebuild = a new index filled with AddBatch.
/// </summary>
/// <remarks>
/// Threading: <see cref="Search"/> may run concurrently with itself and with the mutators; the mutators are called by
/// one thread at a time (the database's apply order).
/// </remarks>
internal interface ICollectionVectorIndex : IDisposable
{
    int Dimension { get; }

    DistanceMetric Metric { get; }

    /// <summary>Vectors currently indexed.</summary>
    int Count { get; }

    /// <summary>Approximate bytes of memory the index holds.</summary>
    long MemoryBytes { get; }

    /// <summary>Inserts or replaces the vector of <paramref name="internalId"/>.</summary>
    void Upsert(long internalId, ReadOnlySpan<float> vector);

    /// <summary>Removes <paramref name="internalId"/>; false when it was not indexed.</summary>
    bool Delete(long internalId);

    /// <summary>
    /// Writes up to <paramref name="k"/> nearest hits, nearest first, into <paramref name="results"/> and returns how many.
    /// Only ids the filter accepts are returned; the filter is consulted in ascending distance order, as few times as possible.
    /// </summary>
    int Search(ReadOnlySpan<float> query, int k, Span<VectorSearchHit> results, IVectorIdFilter? filter = null);

    /// <summary>Replaces the whole content with the given vectors (row i of <paramref name="vectors"/> belongs to ids[i]).</summary>
    void Rebuild(ReadOnlySpan<long> ids, ReadOnlySpan<float> vectors);
}
