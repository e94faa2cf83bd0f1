using System.Numerics.Tensors;
using AgentDb.Bench.Support;
using AgentDb.Kernels;
using BenchmarkDotNet.Attributes;

namespace AgentDb.Bench.Kernels;

/// <summary>
/// One query against 10,000 contiguous, 64-byte-aligned vectors (the brute-force and graph-search form): our one-to-many kernel
/// against a loop of TensorPrimitives calls over the same rows (baseline), in the same run.
/// </summary>
[MemoryDiagnoser]
public class KernelManyBenchmarks
{
    private const int Rows = 10_000;
    private AlignedBuffer<float> _query = null!;
    private AlignedBuffer<float> _block = null!;
    private float[] _results = new float[Rows];

    [Params(128, 384, 768, 1536)]
    public int Dimension { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        _query = new AlignedBuffer<float>(Dimension);
        _block = new AlignedBuffer<float>(Dimension * Rows);
        for (int i = 0; i < _query.Length; i++)
        {
            _query.Span[i] = (float)((rng.NextDouble() * 2) - 1);
        }

        for (int i = 0; i < _block.Length; i++)
        {
            _block.Span[i] = (float)((rng.NextDouble() * 2) - 1);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _query.Dispose();
        _block.Dispose();
    }

    [Benchmark(Baseline = true)]
    public float DotMany_TensorPrimitivesLoop()
    {
        ReadOnlySpan<float> block = _block.Span;
        ReadOnlySpan<float> query = _query.Span;
        int d = Dimension;
        for (int r = 0; r < Rows; r++)
        {
            _results[r] = TensorPrimitives.Dot(query, block.Slice(r * d, d));
        }

        return _results[Rows - 1];
    }

    [Benchmark]
    public float DotMany_Dispatched()
    {
        Distance.DotMany(_query.Span, _block.Span, _results);
        return _results[Rows - 1];
    }

    [Benchmark]
    public float L2Many_Dispatched()
    {
        Distance.L2SquaredMany(_query.Span, _block.Span, _results);
        return _results[Rows - 1];
    }

    [Benchmark]
    public float CosineMany_Dispatched()
    {
        Distance.CosineDistanceMany(_query.Span, _block.Span, _results);
        return _results[Rows - 1];
    }
}
