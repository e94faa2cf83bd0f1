using System.Numerics.Tensors;
using AgentDb.Kernels;
using AgentDb.Bench.Support;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace AgentDb.Bench.Kernels;

/// <summary>
/// One pair of 64-byte-aligned vectors, in L1 cache: each of our paths against TensorPrimitives (the baseline of
/// each category) and the scalar kernel, in the same run.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class KernelBenchmarks
{
    private AlignedBuffer<float> _a = null!;
    private AlignedBuffer<float> _b = null!;
    private AlignedBuffer<sbyte> _x = null!;
    private AlignedBuffer<sbyte> _y = null!;

    [Params(128, 384, 768, 1536)]
    public int Dimension { get; set; }

    /// <summary>Bytes past a 64-byte boundary where both vectors start: 0, as the index stores them.</summary>
    protected virtual int Misalign => 0;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        _a = new AlignedBuffer<float>(Dimension, Misalign);
        _b = new AlignedBuffer<float>(Dimension, Misalign);
        _x = new AlignedBuffer<sbyte>(Dimension, Misalign);
        _y = new AlignedBuffer<sbyte>(Dimension, Misalign);
        for (int i = 0; i < Dimension; i++)
        {
            _a.Span[i] = (float)((rng.NextDouble() * 2) - 1);
            _b.Span[i] = (float)((rng.NextDouble() * 2) - 1);
            _x.Span[i] = (sbyte)rng.Next(-128, 128);
            _y.Span[i] = (sbyte)rng.Next(-128, 128);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _a.Dispose();
        _b.Dispose();
        _x.Dispose();
        _y.Dispose();
    }

    [BenchmarkCategory("Dot"), Benchmark(Baseline = true)]
    public float Dot_TensorPrimitives() => TensorPrimitives.Dot(_a.Span, _b.Span);

    [BenchmarkCategory("Dot"), Benchmark]
    public float Dot_Scalar() => ScalarKernels.Dot(_a.Span, _b.Span);

    [BenchmarkCategory("Dot"), Benchmark]
    public float Dot_Vector128() => Vector128Kernels.Dot(_a.Span, _b.Span);

    [BenchmarkCategory("Dot"), Benchmark]
    public float Dot_Avx2() => Avx2Kernels.Dot(_a.Span, _b.Span);

    [BenchmarkCategory("Dot"), Benchmark]
    public float Dot_Avx512() => Avx512Kernels.Dot(_a.Span, _b.Span);

    [BenchmarkCategory("Dot"), Benchmark]
    public float Dot_Dispatched() => Distance.Dot(_a.Span, _b.Span);

    [BenchmarkCategory("L2"), Benchmark(Baseline = true)]
    public float L2_TensorPrimitives() => TensorPrimitives.Distance(_a.Span, _b.Span);

    [BenchmarkCategory("L2"), Benchmark]
    public float L2_Scalar() => ScalarKernels.L2Squared(_a.Span, _b.Span);

    [BenchmarkCategory("L2"), Benchmark]
    public float L2_Vector128() => Vector128Kernels.L2Squared(_a.Span, _b.Span);

    [BenchmarkCategory("L2"), Benchmark]
    public float L2_Avx2() => Avx2Kernels.L2Squared(_a.Span, _b.Span);

    [BenchmarkCategory("L2"), Benchmark]
    public float L2_Avx512() => Avx512Kernels.L2Squared(_a.Span, _b.Span);

    [BenchmarkCategory("Cosine"), Benchmark(Baseline = true)]
    public float Cosine_TensorPrimitives() => 1f - TensorPrimitives.CosineSimilarity(_a.Span, _b.Span);

    [BenchmarkCategory("Cosine"), Benchmark]
    public float Cosine_Scalar() => ScalarKernels.CosineDistance(_a.Span, _b.Span);

    [BenchmarkCategory("Cosine"), Benchmark]
    public float Cosine_Vector128() => Vector128Kernels.CosineDistance(_a.Span, _b.Span);

    [BenchmarkCategory("Cosine"), Benchmark]
    public float Cosine_Avx2() => Avx2Kernels.CosineDistance(_a.Span, _b.Span);

    [BenchmarkCategory("Cosine"), Benchmark]
    public float Cosine_Avx512() => Avx512Kernels.CosineDistance(_a.Span, _b.Span);

    [BenchmarkCategory("DotInt8"), Benchmark(Baseline = true)]
    public int DotInt8_Scalar() => ScalarKernels.DotInt8(_x.Span, _y.Span);

    [BenchmarkCategory("DotInt8"), Benchmark]
    public int DotInt8_Vector128() => Vector128Kernels.DotInt8(_x.Span, _y.Span);

    [BenchmarkCategory("DotInt8"), Benchmark]
    public int DotInt8_Avx2() => Avx2Kernels.DotInt8(_x.Span, _y.Span);

    [BenchmarkCategory("DotInt8"), Benchmark]
    public int DotInt8_Avx512() => Avx512Kernels.DotInt8(_x.Span, _y.Span);
}
