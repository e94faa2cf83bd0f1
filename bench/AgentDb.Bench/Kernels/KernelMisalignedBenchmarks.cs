using System.Numerics.Tensors;
using AgentDb.Bench.Support;
using AgentDb.Kernels;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace AgentDb.Bench.Kernels;

/// <summary>
/// The worst case for wide loads: both vectors 4 bytes past a 64-byte boundary, so every 512-bit load splits
/// a cache line. The dispatched kernel against TensorPrimitives (baseline), in the same run.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class KernelMisalignedBenchmarks
{
    private AlignedBuffer<float> _a = null!;
    private AlignedBuffer<float> _b = null!;

    [Params(128, 384, 768, 1536)]
    public int Dimension { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        _a = new AlignedBuffer<float>(Dimension, misalignBytes: 4);
        _b = new AlignedBuffer<float>(Dimension, misalignBytes: 4);
        for (int i = 0; i < Dimension; i++)
        {
            _a.Span[i] = (float)((rng.NextDouble() * 2) - 1);
            _b.Span[i] = (float)((rng.NextDouble() * 2) - 1);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _a.Dispose();
        _b.Dispose();
    }

    [BenchmarkCategory("Dot"), Benchmark(Baseline = true)]
    public float Dot_TensorPrimitives() => TensorPrimitives.Dot(_a.Span, _b.Span);

    [BenchmarkCategory("Dot"), Benchmark]
    public float Dot_Dispatched() => Distance.Dot(_a.Span, _b.Span);

    [BenchmarkCategory("L2"), Benchmark(Baseline = true)]
    public float L2_TensorPrimitives() => TensorPrimitives.Distance(_a.Span, _b.Span);

    [BenchmarkCategory("L2"), Benchmark]
    public float L2_Dispatched() => Distance.L2Squared(_a.Span, _b.Span);

    [BenchmarkCategory("Cosine"), Benchmark(Baseline = true)]
    public float Cosine_TensorPrimitives() => 1f - TensorPrimitives.CosineSimilarity(_a.Span, _b.Span);

    [BenchmarkCategory("Cosine"), Benchmark]
    public float Cosine_Dispatched() => Distance.CosineDistance(_a.Span, _b.Span);
}
