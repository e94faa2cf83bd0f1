using AgentDb.Engine.Tests.Support;
using AgentDb.Kernels;
using AgentDb.Log;
using AgentDb.Memory.Caching;
using AgentDb.Memory.Causal;
using AgentDb.Memory.Stores;
using AgentDb.Memory.Tests.Support;
using MessagePack;

namespace AgentDb.Memory.Tests.Causal;

/// <summary>A memory directory with a <see cref="CausalMemory"/> over it; episodes are written straight into "mem.episodes".</summary>
internal sealed class CausalFixture : IDisposable
{
    public const int Dimension = 16;
    private readonly TempDirectory _directory;

    public CausalFixture(MemoryStoreLayout? layout = null)
    {
        _directory = new TempDirectory("agentdb-causal");
        Layout = layout ?? new MemoryStoreLayout();
        Open();
    }

    public MemoryStoreLayout Layout { get; }

    public MemoryStores Stores { get; private set; } = null!;

    public QueryCache Cache { get; private set; } = null!;

    public CausalMemory Causal { get; private set; } = null!;

    public MemoryContext Context { get; private set; } = null!;

    /// <summary>Closes and reopens the directory (a fresh cache, a fresh controller).</summary>
    public void Reopen()
    {
        Stores.Dispose();
        Open();
    }

    /// <summary>Writes an episode the way the reflexion controller lays it out: its session's shard, cosine, a MessagePack map.</summary>
    public int AddEpisode(string id, string session, float[] vector, string text = "episode")
    {
        AgentDatabase store = Stores.ForSession(MemoryKind.Reflexion, session);
        EnsureEpisodes(store);
        byte[] payload = MessagePackSerializer.Serialize(new Dictionary<string, object> { ["session"] = session, ["text"] = text });
        store.Upsert(CausalMemory.EpisodesCollection, id, payload, vector);
        return Stores.ShardOf(MemoryKind.Reflexion, session);
    }

    /// <summary>A unit vector whose cosine with <see cref="Axis"/>(0) is <paramref name="similarity"/>, leaning towards axis <paramref name="other"/>.</summary>
    public static float[] WithSimilarity(double similarity, int other)
    {
        var vector = new float[Dimension];
        vector[0] = (float)similarity;
        vector[other] = (float)Math.Sqrt(1 - (similarity * similarity));
        return vector;
    }

    public static float[] Axis(int axis)
    {
        var vector = new float[Dimension];
        vector[axis] = 1;
        return vector;
    }

    public void Dispose()
    {
        Stores.Dispose();
        _directory.Dispose();
    }

    private static void EnsureEpisodes(AgentDatabase store)
    {
        foreach (CollectionInfo info in store.ListCollections())
        {
            if (info.Name == CausalMemory.EpisodesCollection)
            {
                return;
            }
        }

        store.CreateCollection(CausalMemory.EpisodesCollection, Dimension, DistanceMetric.Cosine);
    }

    private void Open()
    {
        Stores = MemoryStores.Open(_directory.Path, Layout, "stub", Dimension, new AgentDatabaseOptions { Durability = DurabilityMode.None });
        Cache = new QueryCache();
        Context = new MemoryContext(Stores, new StubEmbedder(Dimension), Cache);
        Causal = new CausalMemory(Context);
    }
}
