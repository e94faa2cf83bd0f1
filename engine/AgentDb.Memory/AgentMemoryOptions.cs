using AgentDb.Memory.Caching;
using AgentDb.Memory.Embedding;
using AgentDb.Memory.Stores;

namespace AgentDb.Memory;

/// <summary>Settings of an <see cref="AgentMemory"/>.</summary>
public sealed record AgentMemoryOptions
{
    /// <summary>
    /// The embedder for text APIs. Null (the default): all-MiniLM-L6-v2 from the bundled package, loaded on first use,
    /// behind an LRU cache; the memory then owns and disposes it. A caller's embedder is not disposed by the memory.
    /// </summary>
    public IEmbedder? Embedder { get; init; }

    /// <summary>How the directory is split into stores (fixed at creation).</summary>
    public MemoryStoreLayout Layout { get; init; } = new();

    /// <summary>The query cache's settings.</summary>
    public QueryCacheOptions Cache { get; init; } = new();

    /// <summary>The settings of every underlying store (durability, limits). Null: the defaults (group commit).</summary>
    public AgentDatabaseOptions? Database { get; init; }
}
