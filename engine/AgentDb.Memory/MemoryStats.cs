namespace AgentDb.Memory;

/// <summary>A snapshot of an <see cref="AgentMemory"/>'s counters.</summary>
/// <param name="Embedder">The embedder's name.</param>
/// <param name="Dimension">The embedding dimension.</param>
/// <param name="CacheHits">Query-cache lookups served from the cache.</param>
/// <param name="CacheMisses">Query-cache lookups that computed the result.</param>
/// <param name="CacheInvalidations">Writes that invalidated cached results.</param>
/// <param name="CacheEntries">Entries held in the query cache.</param>
/// <param name="Stores">Each store's own statistics, in <c>MemoryStores.All</c> order.</param>
public sealed record MemoryStats(
    string Embedder,
    int Dimension,
    long CacheHits,
    long CacheMisses,
    long CacheInvalidations,
    int CacheEntries,
    IReadOnlyList<DatabaseStats> Stores);
