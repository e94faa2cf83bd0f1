using AgentDb.Engine.Tests.Support;
using AgentDb.Memory.Caching;
using AgentDb.Memory.Embedding;
using AgentDb.Memory.Reflexion;
using AgentDb.Memory.Skills;
using AgentDb.Memory.Stores;
using AgentDb.Memory.Tests.Support;

namespace AgentDb.Memory.Tests.Reflexion;

/// <summary>A memory directory with a 16-dim stub embedder, the reflexion and skill controllers, cleaned up on dispose.</summary>
internal sealed class MemoryHarness : IDisposable
{
    public const int Dimension = 16;

    private readonly TempDirectory _directory;

    public MemoryHarness(bool sharded = false, QueryCacheOptions? cacheOptions = null)
    {
        _directory = new TempDirectory("agentdb-mem");
        Layout = sharded ? new MemoryStoreLayout { Functional = true, SessionShards = 3 } : new MemoryStoreLayout();
        Stores = MemoryStores.Open(_directory.Path, Layout, "stub", Dimension);
        Embedder = new CountingEmbedder(new StubEmbedder(Dimension));
        Cache = new QueryCache(cacheOptions);
        Context = new MemoryContext(Stores, Embedder, Cache);
        Reflexion = new ReflexionMemory(Context);
        Skills = new SkillLibrary(Context);
    }

    public MemoryStoreLayout Layout { get; }

    public MemoryStores Stores { get; }

    public CountingEmbedder Embedder { get; }

    public QueryCache Cache { get; }

    public MemoryContext Context { get; }

    public ReflexionMemory Reflexion { get; }

    public SkillLibrary Skills { get; }

    /// <summary>A unit vector along the given components (weights), normalised.</summary>
    public static float[] Vec(params (int Index, float Weight)[] components)
    {
        var vector = new float[Dimension];
        foreach ((int index, float weight) in components)
        {
            vector[index] += weight;
        }

        float norm = 0;
        foreach (float v in vector)
        {
            norm += v * v;
        }

        for (int i = 0; i < vector.Length; i++)
        {
            vector[i] /= MathF.Sqrt(norm);
        }

        return vector;
    }

    /// <summary>A unit vector at <paramref name="degrees"/> from axis 0 towards axis 1.</summary>
    public static float[] Angle(double degrees)
    {
        double radians = degrees * Math.PI / 180;
        var vector = new float[Dimension];
        vector[0] = (float)Math.Cos(radians);
        vector[1] = (float)Math.Sin(radians);
        return vector;
    }

    public void Dispose()
    {
        Stores.Dispose();
        _directory.Dispose();
    }
}

/// <summary>Wraps an embedder and counts its Embed and EmbedBatch calls.</summary>
internal sealed class CountingEmbedder(IEmbedder inner) : IEmbedder
{
    private int _embedCalls;
    private int _batchCalls;

    public string Name => inner.Name;

    public int Dimension => inner.Dimension;

    public int EmbedCalls => Volatile.Read(ref _embedCalls);

    public int BatchCalls => Volatile.Read(ref _batchCalls);

    public void Embed(string text, Span<float> destination)
    {
        Interlocked.Increment(ref _embedCalls);
        lock (inner)
        {
            inner.Embed(text, destination);
        }
    }

    public void EmbedBatch(IReadOnlyList<string> texts, Span<float> destination)
    {
        Interlocked.Increment(ref _batchCalls);
        lock (inner)
        {
            inner.EmbedBatch(texts, destination);
        }
    }

    public void Dispose() => inner.Dispose();
}
