using System.IO.Hashing;
using System.Runtime.InteropServices;
using AgentDb.Kernels;
using AgentDb.Memory.Embedding;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace AgentDb.Bench.Memory;

/// <summary>
/// The caching embedder's hit path against the caller-supplied-vector path, per text, over the 32 texts of
/// <see cref="EmbeddingTexts"/> (all cached, so every call is a hit). Two shapes, each with its own baseline:
/// <list type="bullet">
/// <item>"Into": into a destination span — a caller vector is copied in (baseline); a hit hashes the text, looks it
/// up and copies the cached floats.</item>
/// <item>"NewArray": as <c>MemoryContext.VectorFor</c> does it — a caller vector becomes <c>vector.ToArray()</c>
/// (baseline); a text becomes <c>new float[Dimension]</c> filled by <c>Embed</c>.</item>
/// <item>"Search": the whole of a retrieval with k = 10 over an <c>AgentDatabase</c> collection of 5,000 vectors
/// (exact scan, as below 20,000) — with the caller's vector (baseline), or with a text whose vector is cached.</item>
/// </list>
/// The inner embedder is the hashing one; it is never called on the measured path (the cache is warmed in setup).
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class EmbeddingCacheBenchmarks
{
    private const int Texts = 32;
    private const int Dimension = 384;
    private const int Records = 5_000;
    private const string Collection = "episodes";

    private readonly float[] _destination = new float[Dimension];
    private CachingEmbedder _cache = null!;
    private ReadOnlyMemory<float>[] _callerVectors = [];
    private AgentDatabase _database = null!;
    private string _directory = "";

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("agentdb-bench-embedding-").FullName;
        _database = AgentDatabase.Open(_directory);
        _database.CreateCollection(Collection, Dimension, DistanceMetric.Cosine);
        var hashing = new HashingEmbedder(Dimension);
        var record = new float[Dimension];
        var batch = new RecordBatch();
        for (int i = 0; i < Records; i++)
        {
            hashing.Embed($"episode {i}: {EmbeddingTexts.All[i % EmbeddingTexts.All.Length]} (variant {i / EmbeddingTexts.All.Length})", record);
            batch.Upsert(Collection, $"e{i:D6}", [], record);
            if (batch.Count == 1000)
            {
                _database.Batch(batch);
                batch.Clear();
            }
        }

        _cache = new CachingEmbedder(new HashingEmbedder(Dimension));
        _callerVectors = new ReadOnlyMemory<float>[Texts];
        for (int i = 0; i < Texts; i++)
        {
            var vector = new float[Dimension];
            _cache.Embed(EmbeddingTexts.All[i], vector);
            _callerVectors[i] = vector;
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_cache.Misses != Texts)
        {
            throw new InvalidOperationException($"The measured path missed the cache: {_cache.Misses - Texts} misses.");
        }

        _cache.Dispose();
        _database.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [BenchmarkCategory("Into"), Benchmark(Baseline = true, OperationsPerInvoke = Texts)]
    public void CallerVector_Copy()
    {
        for (int i = 0; i < Texts; i++)
        {
            _callerVectors[i].Span.CopyTo(_destination);
        }
    }

    [BenchmarkCategory("Into"), Benchmark(OperationsPerInvoke = Texts)]
    public void CacheHit_Embed()
    {
        string[] texts = EmbeddingTexts.All;
        for (int i = 0; i < Texts; i++)
        {
            _cache.Embed(texts[i], _destination);
        }
    }

    /// <summary>The floor under a hit: the cache key's XxHash128 of the text alone.</summary>
    [BenchmarkCategory("Into"), Benchmark(OperationsPerInvoke = Texts)]
    public UInt128 KeyHashOnly()
    {
        string[] texts = EmbeddingTexts.All;
        UInt128 sum = 0;
        for (int i = 0; i < Texts; i++)
        {
            sum += XxHash128.HashToUInt128(MemoryMarshal.AsBytes(texts[i].AsSpan()));
        }

        return sum;
    }

    [BenchmarkCategory("NewArray"), Benchmark(Baseline = true, OperationsPerInvoke = Texts)]
    public float CallerVector_ToArray()
    {
        float sum = 0;
        for (int i = 0; i < Texts; i++)
        {
            sum += _callerVectors[i].ToArray()[0];
        }

        return sum;
    }

    [BenchmarkCategory("NewArray"), Benchmark(OperationsPerInvoke = Texts)]
    public float CacheHit_NewArray()
    {
        string[] texts = EmbeddingTexts.All;
        float sum = 0;
        for (int i = 0; i < Texts; i++)
        {
            var vector = new float[Dimension];
            _cache.Embed(texts[i], vector);
            sum += vector[0];
        }

        return sum;
    }

    [BenchmarkCategory("Search"), Benchmark(Baseline = true, OperationsPerInvoke = Texts)]
    public int CallerVector_Search()
    {
        int found = 0;
        for (int i = 0; i < Texts; i++)
        {
            found += _database.Search(Collection, _callerVectors[i].Span, 10).Count;
        }

        return found;
    }

    [BenchmarkCategory("Search"), Benchmark(OperationsPerInvoke = Texts)]
    public int CacheHit_Search()
    {
        string[] texts = EmbeddingTexts.All;
        int found = 0;
        for (int i = 0; i < Texts; i++)
        {
            _cache.Embed(texts[i], _destination);
            found += _database.Search(Collection, _destination, 10).Count;
        }

        return found;
    }
}
