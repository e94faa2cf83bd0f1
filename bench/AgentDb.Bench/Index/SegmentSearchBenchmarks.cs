using AgentDb.Index.Hnsw;
using AgentDb.Index.Segments;
using AgentDb.Kernels;
using BenchmarkDotNet.Attributes;

namespace AgentDb.Bench.Index;

/// <summary>
/// The same HNSW graph searched in memory (<see cref="HnswIndex"/>) and in place over a memory-mapped segment file
/// (<see cref="ImmutableSegment"/>), at a fixed ef, once the file's pages are cached. Baseline: in memory.
/// 20,000 clustered 384-dim vectors, cosine, M 16, ef_construction 200; 200 queries per operation.
/// </summary>
[MemoryDiagnoser]
public class SegmentSearchBenchmarks
{
    private const int Count = 20_000;
    private const int Dimension = 384;
    private const int Queries = 200;
    private const int K = 10;

    private readonly SearchHit[] _hits = new SearchHit[K];
    private HnswIndex _index = null!;
    private ImmutableSegment _segment = null!;
    private float[] _queries = [];
    private string _directory = "";

    [Params(64)]
    public int Ef { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        float[] centers = Gaussian(rng, 32 * Dimension, 1.0);
        float[] vectors = new float[Count * Dimension];
        for (int i = 0; i < Count; i++)
        {
            int c = rng.Next(32);
            for (int j = 0; j < Dimension; j++)
            {
                vectors[(i * Dimension) + j] = centers[(c * Dimension) + j] + (float)(NextGaussian(rng) * 0.3);
            }
        }

        _queries = new float[Queries * Dimension];
        Array.Copy(vectors, 0, _queries, 0, _queries.Length);
        for (int i = 0; i < _queries.Length; i++)
        {
            _queries[i] += (float)(NextGaussian(rng) * 0.1);
        }

        _index = new HnswIndex(new HnswOptions { Dimension = Dimension, Metric = DistanceMetric.Cosine, M = 16, EfConstruction = 200, InitialCapacity = Count });
        long[] ids = new long[Count];
        for (int i = 0; i < Count; i++)
        {
            ids[i] = i;
        }

        _index.AddBatch(ids, vectors);
        _directory = Directory.CreateTempSubdirectory("agentdb-bench-segment-").FullName;
        string path = Path.Combine(_directory, "segment.seg");
        SegmentWriter.Write(_index, path);
        _segment = ImmutableSegment.Open(path);
        _segment.VerifyChecksums();

        // Touch every page once so both sides run from memory.
        InMemory();
        MemoryMapped();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _segment.Dispose();
        _index.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Queries)]
    public long InMemory()
    {
        long sum = 0;
        for (int q = 0; q < Queries; q++)
        {
            int found = _index.Search(_queries.AsSpan(q * Dimension, Dimension), K, _hits, Ef);
            sum += found > 0 ? _hits[0].Id : 0;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Queries)]
    public long MemoryMapped()
    {
        long sum = 0;
        for (int q = 0; q < Queries; q++)
        {
            int found = _segment.Search(_queries.AsSpan(q * Dimension, Dimension), K, _hits, Ef);
            sum += found > 0 ? _hits[0].Id : 0;
        }

        return sum;
    }

    private static float[] Gaussian(Random rng, int length, double scale)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)(NextGaussian(rng) * scale);
        }

        return values;
    }

    private static double NextGaussian(Random rng) =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - rng.NextDouble())) * Math.Cos(2.0 * Math.PI * rng.NextDouble());
}
