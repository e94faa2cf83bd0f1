namespace AgentDb.Index.Hnsw;

/// <summary>One result of a nearest-neighbour search: the caller's id and its distance to the query (smaller is nearer).</summary>
/// <param name="Id">The id the vector was added under.</param>
/// <param name="Distance">The distance to the query in the index's metric (for cosine, computed on normalised vectors).</param>
public readonly record struct SearchHit(long Id, float Distance);
