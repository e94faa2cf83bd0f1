namespace AgentDb.Index;

/// <summary>One search hit: the internal id and its distance to the query (smaller is nearer).</summary>
internal readonly record struct VectorSearchHit(long InternalId, float Distance);
