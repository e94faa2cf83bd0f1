using AgentDb.Kernels;

namespace AgentDb;

/// <summary>Per-collection figures in <see cref="DatabaseStats"/>.</summary>
/// <param name="Name">The collection's name.</param>
/// <param name="Dimension">Its vector dimension.</param>
/// <param name="Metric">Its distance metric.</param>
/// <param name="Records">Records stored.</param>
/// <param name="IndexedVectors">Vectors in its in-memory index.</param>
/// <param name="IndexMemoryBytes">Approximate memory held by its index.</param>
public sealed record CollectionStats(string Name, int Dimension, DistanceMetric Metric, long Records, long IndexedVectors, long IndexMemoryBytes)
{
    /// <summary>Immutable HNSW segment files the index searches (0 while the collection is in the exact tier).</summary>
    public int IndexSegments { get; init; }

    /// <summary>Vectors the index took from checkpointed segment files when the database was opened, without re-inserting them.</summary>
    public long VectorsFromSegments { get; init; }

    /// <summary>
    /// Vectors inserted from the record store when the database was opened: every vector after a full rebuild, or only
    /// those written after the segments' LSN when segments were loaded.
    /// </summary>
    public long VectorsRebuilt { get; init; }

    /// <summary>
    /// Vectors applied but not yet linked into the HNSW graph (the background indexer's backlog; 0 in the exact tier).
    /// Searches scan them exactly meanwhile, so they are found; a large figure means the indexer lags behind ingest.
    /// </summary>
    public long PendingVectors { get; init; }
}
