using AgentDb.Engine.Tests.Support;
using AgentDb.Log;
using AgentDb.Memory.Caching;
using AgentDb.Memory.Graph;
using AgentDb.Memory.Stores;
using AgentDb.Memory.Tests.Support;

namespace AgentDb.Memory.Tests.Graph;

/// <summary>A graph store over a fresh memory directory (durability None: the tests are about graph semantics).</summary>
internal sealed class GraphFixture : IDisposable
{
    public const int Dimension = 16;

    private readonly TempDirectory _directory;

    public GraphFixture(MemoryStoreLayout? layout = null, QueryCacheOptions? cacheOptions = null)
    {
        _directory = new TempDirectory("agentdb-graph");
        Stores = MemoryStores.Open(_directory.Path, layout ?? new MemoryStoreLayout(), "stub", Dimension, new AgentDatabaseOptions { Durability = DurabilityMode.None });
        Embedder = new StubEmbedder(Dimension);
        Cache = new QueryCache(cacheOptions);
        Context = new MemoryContext(Stores, Embedder, Cache);
        Graph = new GraphStore(Context);
    }

    public MemoryStores Stores { get; }

    public StubEmbedder Embedder { get; }

    public QueryCache Cache { get; }

    public MemoryContext Context { get; }

    public GraphStore Graph { get; }

    public AgentDatabase Store => Stores.Store(MemoryKind.Graph);

    public static IReadOnlyDictionary<string, GraphValue> Props(params (string Key, GraphValue Value)[] pairs)
    {
        var map = new Dictionary<string, GraphValue>(StringComparer.Ordinal);
        foreach ((string key, GraphValue value) in pairs)
        {
            map[key] = value;
        }

        return map;
    }

    /// <summary>Every record id of a collection (small collections only).</summary>
    public List<string> Ids(string collection)
    {
        var ids = new List<string>();
        foreach (StoredRecord record in Store.ScanRange(collection, null, null, 100_000))
        {
            ids.Add(record.Id);
        }

        return ids;
    }

    public void Dispose()
    {
        Stores.Dispose();
        Embedder.Dispose();
        _directory.Dispose();
    }
}
