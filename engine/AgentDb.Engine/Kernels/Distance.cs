using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace AgentDb.Kernels;

/// <summary>
/// Vector distance kernels, dispatched once per process to the widest SIMD path the hardware supports
/// (AVX-512, AVX2+FMA, 128-bit, scalar), optionally capped by <see cref="SimdDispatch.EnvironmentVariable"/>.
/// Every method accepts any length and any alignment and never reads past the end of its inputs.
/// </summary>
/// <remarks>
/// The path is a <c>static readonly</c> field, which the JIT folds to a constant once the type is initialised:
/// after tiering, each call compiles to the chosen kernel alone, inlined, with no dispatch cost.
/// Results of different paths differ only by float rounding (summation order); see the kernel tests for the bound.
/// </remarks>
public static class Distance
{
    /// <summary>The largest dimension the int8 kernels accept: their 32-bit sums cannot overflow below it.</summary>
    public const int MaxInt8Dimension = 32_768;

    private static readonly SimdPath s_path = SimdDispatch.Select(Environment.GetEnvironmentVariable(SimdDispatch.EnvironmentVariable));

    /// <summary>The path every kernel in this process runs on.</summary>
    public static SimdPath ActivePath => s_path;

    /// <summary>The inner product of <paramref name="a"/> and <paramref name="b"/>.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            ThrowLengthMismatch(a.Length, b.Length);
        }

        return DotUnchecked(a, b);
    }

    /// <summary>The squared Euclidean distance between <paramref name="a"/> and <paramref name="b"/>.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float L2Squared(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            ThrowLengthMismatch(a.Length, b.Length);
        }

        return L2SquaredUnchecked(a, b);
    }

    /// <summary>
    /// The cosine distance <c>1 - cos(a, b)</c> in [0, 2], computing both norms. A zero vector is at distance 1.
    /// </summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float CosineDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            ThrowLengthMismatch(a.Length, b.Length);
        }

        return CosineDistanceUnchecked(a, b);
    }

    /// <summary>
    /// The cosine distance <c>1 - dot(a, b)</c> of two vectors already normalised to unit length
    /// (see <see cref="Normalize"/>): one pass instead of three sums.
    /// </summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float CosineDistanceNormalized(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => 1f - Dot(a, b);

    /// <summary>The inner product of two int8 (quantised) vectors, exact.</summary>
    /// <exception cref="ArgumentException">The spans differ in length or exceed <see cref="MaxInt8Dimension"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int DotInt8(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        CheckInt8(a.Length, b.Length);
        return s_path switch
        {
            SimdPath.Avx512 => Avx512Kernels.DotInt8(a, b),
            SimdPath.Avx2 => Avx2Kernels.DotInt8(a, b),
            SimdPath.Vector128 => Vector128Kernels.DotInt8(a, b),
            _ => ScalarKernels.DotInt8(a, b),
        };
    }

    /// <summary>The squared Euclidean distance between two int8 (quantised) vectors, exact.</summary>
    /// <exception cref="ArgumentException">The spans differ in length or exceed <see cref="MaxInt8Dimension"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int L2SquaredInt8(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        CheckInt8(a.Length, b.Length);
        return s_path switch
        {
            SimdPath.Avx512 => Avx512Kernels.L2SquaredInt8(a, b),
            SimdPath.Avx2 => Avx2Kernels.L2SquaredInt8(a, b),
            SimdPath.Vector128 => Vector128Kernels.L2SquaredInt8(a, b),
            _ => ScalarKernels.L2SquaredInt8(a, b),
        };
    }

    /// <summary>
    /// The distance of <paramref name="metric"/> between two vectors (smaller is nearer): see <see cref="DistanceMetric"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The spans differ in length, or the metric is not defined.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Compute(DistanceMetric metric, ReadOnlySpan<float> a, ReadOnlySpan<float> b) => metric switch
    {
        DistanceMetric.Cosine => CosineDistance(a, b),
        DistanceMetric.L2Squared => L2Squared(a, b),
        DistanceMetric.Dot => -Dot(a, b),
        _ => ThrowUnknownMetric(metric),
    };

    /// <summary>
    /// One query against many vectors stored back to back in <paramref name="vectors"/> (row i at
    /// <c>i * query.Length</c>): writes the distance of <paramref name="metric"/> to each row into
    /// <paramref name="distances"/>. This is the form brute-force scans and graph searches call.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The query is empty, <paramref name="vectors"/> is not exactly <c>distances.Length</c> rows of the query's length,
    /// or the metric is not defined.
    /// </exception>
    public static void ComputeMany(DistanceMetric metric, ReadOnlySpan<float> query, ReadOnlySpan<float> vectors, Span<float> distances)
    {
        CheckMany(query.Length, vectors.Length, distances.Length);
        switch (metric)
        {
            case DistanceMetric.Cosine:
                ManyUnchecked<FullCosineDistance>(query, vectors, distances);
                break;
            case DistanceMetric.L2Squared:
                ManyUnchecked<L2SquaredDistance>(query, vectors, distances);
                break;
            case DistanceMetric.Dot:
                ManyUnchecked<NegativeDotDistance>(query, vectors, distances);
                break;
            default:
                ThrowUnknownMetric(metric);
                break;
        }
    }

    /// <summary>Inner products of one query with many rows: see <see cref="ComputeMany"/> for the layout.</summary>
    /// <exception cref="ArgumentException">The shapes do not match, as for <see cref="ComputeMany"/>.</exception>
    public static void DotMany(ReadOnlySpan<float> query, ReadOnlySpan<float> vectors, Span<float> results)
    {
        CheckMany(query.Length, vectors.Length, results.Length);
        ManyUnchecked<DotProduct>(query, vectors, results);
    }

    /// <summary>Squared Euclidean distances of one query to many rows: see <see cref="ComputeMany"/> for the layout.</summary>
    /// <exception cref="ArgumentException">The shapes do not match, as for <see cref="ComputeMany"/>.</exception>
    public static void L2SquaredMany(ReadOnlySpan<float> query, ReadOnlySpan<float> vectors, Span<float> results)
    {
        CheckMany(query.Length, vectors.Length, results.Length);
        ManyUnchecked<L2SquaredDistance>(query, vectors, results);
    }

    /// <summary>Cosine distances of one query to many rows: see <see cref="ComputeMany"/> for the layout.</summary>
    /// <exception cref="ArgumentException">The shapes do not match, as for <see cref="ComputeMany"/>.</exception>
    public static void CosineDistanceMany(ReadOnlySpan<float> query, ReadOnlySpan<float> vectors, Span<float> results)
    {
        CheckMany(query.Length, vectors.Length, results.Length);
        ManyUnchecked<FullCosineDistance>(query, vectors, results);
    }

    /// <summary>
    /// Scales <paramref name="vector"/> in place to unit length and returns its original norm.
    /// A zero vector is left as it is (norm 0).
    /// </summary>
    public static float Normalize(Span<float> vector)
    {
        float norm = MathF.Sqrt(DotUnchecked(vector, vector));
        if (norm > 0f && !float.IsInfinity(norm))
        {
            float inverse = 1f / norm;
            for (int i = 0; i < vector.Length; i++)
            {
                vector[i] *= inverse;
            }
        }

        return norm;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float DotUnchecked(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => s_path switch
    {
        SimdPath.Avx512 => Avx512Kernels.Dot(a, b),
        SimdPath.Avx2 => Avx2Kernels.Dot(a, b),
        SimdPath.Vector128 => Vector128Kernels.Dot(a, b),
        _ => ScalarKernels.Dot(a, b),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float L2SquaredUnchecked(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => s_path switch
    {
        SimdPath.Avx512 => Avx512Kernels.L2Squared(a, b),
        SimdPath.Avx2 => Avx2Kernels.L2Squared(a, b),
        SimdPath.Vector128 => Vector128Kernels.L2Squared(a, b),
        _ => ScalarKernels.L2Squared(a, b),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float CosineDistanceUnchecked(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => s_path switch
    {
        SimdPath.Avx512 => Avx512Kernels.CosineDistance(a, b),
        SimdPath.Avx2 => Avx2Kernels.CosineDistance(a, b),
        SimdPath.Vector128 => Vector128Kernels.CosineDistance(a, b),
        _ => ScalarKernels.CosineDistance(a, b),
    };

    /// <summary>The one-to-many loop, once for every kernel: the struct argument compiles to the kernel inlined.</summary>
    private static void ManyUnchecked<TKernel>(ReadOnlySpan<float> query, ReadOnlySpan<float> vectors, Span<float> results)
        where TKernel : struct, IVectorDistance
    {
        TKernel kernel = default;
        int d = query.Length;
        for (int i = 0, offset = 0; i < results.Length; i++, offset += d)
        {
            results[i] = kernel.Compute(query, vectors.Slice(offset, d));
        }
    }

    private static void CheckMany(int dimension, int vectorsLength, int count)
    {
        if (dimension == 0)
        {
            throw new ArgumentException("The query vector is empty.", "query");
        }

        if ((long)dimension * count != vectorsLength)
        {
            throw new ArgumentException(
                $"The vector block holds {vectorsLength} floats; {count} rows of dimension {dimension} need {(long)dimension * count}.",
                "vectors");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckInt8(int lengthA, int lengthB)
    {
        if (lengthA != lengthB)
        {
            ThrowLengthMismatch(lengthA, lengthB);
        }

        if (lengthA > MaxInt8Dimension)
        {
            ThrowInt8TooLong(lengthA);
        }
    }

    [DoesNotReturn]
    private static void ThrowLengthMismatch(int lengthA, int lengthB) =>
        throw new ArgumentException($"Vector lengths differ: {lengthA} and {lengthB}.");

    [DoesNotReturn]
    private static void ThrowInt8TooLong(int length) =>
        throw new ArgumentException($"Int8 vectors of dimension {length} exceed the maximum of {MaxInt8Dimension}.");

    [DoesNotReturn]
    private static float ThrowUnknownMetric(DistanceMetric metric) =>
        throw new ArgumentException($"Unknown distance metric {(byte)metric}.", nameof(metric));

    /// <summary>The plain inner product (a similarity, not a distance), for <see cref="DotMany"/>.</summary>
    private readonly struct DotProduct : IVectorDistance
    {
        public float Compute(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => DotUnchecked(a, b);
    }

    /// <summary>Cosine distance computing both norms (the inputs need not be normalised).</summary>
    private readonly struct FullCosineDistance : IVectorDistance
    {
        public float Compute(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => CosineDistanceUnchecked(a, b);
    }
}
