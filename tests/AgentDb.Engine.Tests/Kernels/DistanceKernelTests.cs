using AgentDb.Kernels;
using Xunit.Abstractions;

namespace AgentDb.Engine.Tests.Kernels;

/// <summary>
/// Every kernel path against the double-precision reference. Error bounds (float32 accumulation):
/// dot products within <see cref="SumTolerance"/>·Σ|aᵢbᵢ| (the honest scale for a sum with cancellation),
/// squared L2 within <see cref="SumTolerance"/> relative (all terms positive), cosine distance within
/// <see cref="CosineTolerance"/> absolute, int8 kernels exact.
/// </summary>
public sealed class DistanceKernelTests(ITestOutputHelper output)
{
    private const double SumTolerance = 1e-5;
    private const double CosineTolerance = 1e-5;

    public static TheoryData<SimdPath> Paths => KernelPaths.Supported();

    public static IEnumerable<int> Dimensions()
    {
        for (int d = 1; d <= 70; d++)
        {
            yield return d;
        }

        foreach (int d in new[] { 95, 96, 97, 127, 128, 129, 191, 255, 256, 257, 383, 384, 385, 511, 512, 513, 767, 768, 769, 1000, 1023, 1024, 1025, 1535, 1536 })
        {
            yield return d;
        }
    }

    public enum Values
    {
        Uniform,
        Zeros,
        Large,
        MixedScale,
        Constant,
        Parallel,
    }

    [Fact]
    public void ThisMachine_RunsAtLeastTheVectorPaths()
    {
        output.WriteLine($"hardware path: {SimdDispatch.HardwarePath}; active path: {Distance.ActivePath}");
        foreach (SimdPath path in Enum.GetValues<SimdPath>())
        {
            output.WriteLine($"{path}: {(SimdDispatch.IsSupported(path) ? "supported" : "not supported")}");
        }

        Assert.True(SimdDispatch.IsSupported(SimdPath.Scalar));
        Assert.True(SimdDispatch.IsSupported(Distance.ActivePath));
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(SimdDispatch.EnvironmentVariable)))
        {
            Assert.Equal(SimdDispatch.HardwarePath, Distance.ActivePath);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void FloatKernels_MatchDoubleReference_AtEveryDimensionAndValueKind(SimdPath path)
    {
        var rng = new Random(1234 + (int)path);
        double worstDot = 0, worstL2 = 0, worstCos = 0;
        foreach (int d in Dimensions())
        {
            foreach (Values kind in Enum.GetValues<Values>())
            {
                float[] a = Make(rng, d, kind);
                float[] b = kind == Values.Parallel ? Scaled(a, 3.5f) : Make(rng, d, kind);

                double dotScale = Reference.AbsDot(a, b);
                double dotError = Math.Abs(KernelPaths.Dot(path, a, b) - Reference.Dot(a, b));
                Assert.True(dotError <= (SumTolerance * dotScale) + 1e-30, $"{path} dot d={d} {kind}: error {dotError} > {SumTolerance}·{dotScale}");
                worstDot = Math.Max(worstDot, dotScale == 0 ? 0 : dotError / dotScale);

                double l2 = Reference.L2Squared(a, b);
                double l2Error = Math.Abs(KernelPaths.L2Squared(path, a, b) - l2);
                Assert.True(l2Error <= (SumTolerance * l2) + 1e-30, $"{path} L2 d={d} {kind}: error {l2Error} > {SumTolerance}·{l2}");
                worstL2 = Math.Max(worstL2, l2 == 0 ? 0 : l2Error / l2);

                double cosError = Math.Abs(KernelPaths.CosineDistance(path, a, b) - Reference.CosineDistance(a, b));
                Assert.True(cosError <= CosineTolerance, $"{path} cosine d={d} {kind}: error {cosError} > {CosineTolerance}");
                worstCos = Math.Max(worstCos, cosError);
            }
        }

        output.WriteLine($"{path}: worst relative dot error {worstDot:E2}, L2 {worstL2:E2}, cosine absolute {worstCos:E2}");
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void FloatKernels_GiveTheSameAnswer_AtEveryAlignment(SimdPath path)
    {
        var rng = new Random(99);
        const int d = 389;
        float[] backingA = Make(rng, d + 16, Values.Uniform);
        float[] backingB = Make(rng, d + 16, Values.Uniform);
        for (int offset = 0; offset < 16; offset++)
        {
            ReadOnlySpan<float> a = backingA.AsSpan(offset, d);
            ReadOnlySpan<float> b = backingB.AsSpan(16 - offset, d);
            double scale = Reference.AbsDot(a, b);
            Assert.True(Math.Abs(KernelPaths.Dot(path, a, b) - Reference.Dot(a, b)) <= SumTolerance * scale, $"offset {offset}");
            double l2 = Reference.L2Squared(a, b);
            Assert.True(Math.Abs(KernelPaths.L2Squared(path, a, b) - l2) <= SumTolerance * l2, $"offset {offset}");
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Int8Kernels_AreExact_IncludingExtremesAndTheMaximumDimension(SimdPath path)
    {
        var rng = new Random(7 + (int)path);
        var dims = new List<int>(Dimensions()) { 4095, 4096, 4097, Distance.MaxInt8Dimension };
        foreach (int d in dims)
        {
            var a = new sbyte[d];
            var b = new sbyte[d];
            for (int trial = 0; trial < 3; trial++)
            {
                for (int i = 0; i < d; i++)
                {
                    (a[i], b[i]) = trial switch
                    {
                        0 => ((sbyte)rng.Next(-128, 128), (sbyte)rng.Next(-128, 128)),
                        1 => (sbyte.MinValue, sbyte.MinValue),   // largest products: dot 16384·d
                        _ => (sbyte.MinValue, sbyte.MaxValue),   // largest differences: 65025·d
                    };
                }

                Assert.Equal(Reference.DotInt8(a, b), KernelPaths.DotInt8(path, a, b));
                Assert.Equal(Reference.L2SquaredInt8(a, b), KernelPaths.L2SquaredInt8(path, a, b));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Kernels_NeverReadPastTheEnd_OfAVectorThatEndsAtAnUnmappedPage(SimdPath path)
    {
        // A fault, not a wrong answer, is what a read past the end would produce here: the test host dies.
        using var guarded = new GuardedBuffer(4096);
        var rng = new Random(3);
        for (int d = 1; d <= 100; d++)
        {
            Span<float> a = guarded.FloatsEndingAtGuard(d);
            Span<float> b = new float[d];
            for (int i = 0; i < d; i++)
            {
                a[i] = (float)rng.NextDouble();
                b[i] = (float)rng.NextDouble();
            }

            Assert.True(Math.Abs(KernelPaths.Dot(path, a, b) - Reference.Dot(a, b)) <= SumTolerance * Reference.AbsDot(a, b));
            Assert.True(Math.Abs(KernelPaths.Dot(path, b, a) - Reference.Dot(a, b)) <= SumTolerance * Reference.AbsDot(a, b));
            Assert.True(Math.Abs(KernelPaths.L2Squared(path, a, b) - Reference.L2Squared(a, b)) <= SumTolerance * Reference.L2Squared(a, b));
            Assert.True(Math.Abs(KernelPaths.CosineDistance(path, a, b) - Reference.CosineDistance(a, b)) <= CosineTolerance);

            Span<sbyte> x = guarded.BytesEndingAtGuard(d);
            var y = new sbyte[d];
            for (int i = 0; i < d; i++)
            {
                x[i] = (sbyte)rng.Next(-128, 128);
                y[i] = (sbyte)rng.Next(-128, 128);
            }

            Assert.Equal(Reference.DotInt8(x, y), KernelPaths.DotInt8(path, x, y));
            Assert.Equal(Reference.L2SquaredInt8(y, x), KernelPaths.L2SquaredInt8(path, y, x));
        }
    }

    [Fact]
    public void PublicApi_RejectsMismatchedLengths_WithArgumentException()
    {
        float[] a = new float[17], b = new float[16];
        sbyte[] x = new sbyte[33], y = new sbyte[32];
        Assert.Contains("17 and 16", Assert.Throws<ArgumentException>(() => Distance.Dot(a, b)).Message);
        Assert.Throws<ArgumentException>(() => Distance.L2Squared(a, b));
        Assert.Throws<ArgumentException>(() => Distance.CosineDistance(a, b));
        Assert.Throws<ArgumentException>(() => Distance.CosineDistanceNormalized(a, b));
        Assert.Throws<ArgumentException>(() => Distance.Compute(DistanceMetric.L2Squared, a, b));
        Assert.Throws<ArgumentException>(() => Distance.DotInt8(x, y));
        Assert.Throws<ArgumentException>(() => Distance.L2SquaredInt8(x, y));
    }

    [Fact]
    public void PublicApi_RejectsInt8VectorsAboveTheMaximumDimension()
    {
        var big = new sbyte[Distance.MaxInt8Dimension + 1];
        Assert.Contains("exceed", Assert.Throws<ArgumentException>(() => Distance.DotInt8(big, big)).Message);
        Assert.Throws<ArgumentException>(() => Distance.L2SquaredInt8(big, big));
    }

    [Fact]
    public void PublicApi_RejectsUnknownMetric()
    {
        float[] a = new float[4];
        Assert.Throws<ArgumentException>(() => Distance.Compute((DistanceMetric)99, a, a));
        Assert.Throws<ArgumentException>(() => Distance.ComputeMany((DistanceMetric)0, a, a, new float[1]));
    }

    [Fact]
    public void ManyForm_RejectsBlocksThatAreNotWholeRows()
    {
        float[] query = new float[8];
        Assert.Throws<ArgumentException>(() => Distance.DotMany(query, new float[8 * 3 + 1], new float[3]));
        Assert.Throws<ArgumentException>(() => Distance.L2SquaredMany(query, new float[8 * 3], new float[4]));
        Assert.Throws<ArgumentException>(() => Distance.CosineDistanceMany([], [], new float[2]));
    }

    [Theory]
    [InlineData(DistanceMetric.Cosine)]
    [InlineData(DistanceMetric.L2Squared)]
    [InlineData(DistanceMetric.Dot)]
    public void ManyForm_EqualsOneAtATime_ForEveryRow(DistanceMetric metric)
    {
        var rng = new Random(5);
        foreach (int d in new[] { 3, 16, 100, 384 })
        {
            const int rows = 37;
            float[] query = Make(rng, d, Values.Uniform);
            float[] block = Make(rng, d * rows, Values.Uniform);
            var many = new float[rows];
            Distance.ComputeMany(metric, query, block, many);
            for (int r = 0; r < rows; r++)
            {
                Assert.Equal(Distance.Compute(metric, query, block.AsSpan(r * d, d)), many[r]);
            }
        }
    }

    [Fact]
    public void Metrics_FollowTheirDocumentedDefinitions()
    {
        float[] a = [1, 0, 0], b = [0, 2, 0], c = [3, 0, 0];
        Assert.Equal(1f, Distance.Compute(DistanceMetric.Cosine, a, b), 6);
        Assert.Equal(0f, Distance.Compute(DistanceMetric.Cosine, a, c), 6);
        Assert.Equal(5f, Distance.Compute(DistanceMetric.L2Squared, a, b));
        Assert.Equal(-3f, Distance.Compute(DistanceMetric.Dot, a, c));
        Assert.Equal(1f, Distance.CosineDistance(a, new float[3]));   // a zero vector: distance 1, never NaN
        float[] n = [3, 4];
        Assert.Equal(5f, Distance.Normalize(n));
        Assert.Equal(0.6f, n[0], 6);
        Assert.Equal(0f, Distance.CosineDistanceNormalized(n, n), 6);
    }

    private static float[] Make(Random rng, int d, Values kind)
    {
        var v = new float[d];
        for (int i = 0; i < d; i++)
        {
            v[i] = kind switch
            {
                Values.Zeros => 0f,
                Values.Large => (float)((rng.NextDouble() - 0.5) * 2e15),
                Values.MixedScale => (float)((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-20, 10))),
                Values.Constant => 0.25f,
                _ => (float)((rng.NextDouble() * 2) - 1),
            };
        }

        return v;
    }

    private static float[] Scaled(float[] v, float factor)
    {
        var r = new float[v.Length];
        for (int i = 0; i < v.Length; i++)
        {
            r[i] = v[i] * factor;
        }

        return r;
    }
}
