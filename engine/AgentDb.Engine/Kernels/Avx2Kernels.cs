using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AgentDb.Kernels;

/// <summary>
/// 256-bit kernels (AVX2 + FMA). Independent accumulators hide the FMA latency; the tail is one
/// masked, overlapping vector. Spans shorter than one vector go to the 128-bit kernels.
/// Callers have checked that the spans have equal length.
/// </summary>
internal static class Avx2Kernels
{
    private const int W = 8;    // floats per vector
    private const int B = 16;   // sbytes per step (widened to 16 shorts)

    public static bool IsSupported =>
        Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported && Vector128Kernels.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int n = a.Length;
        if (n < W)
        {
            return Vector128Kernels.Dot(a, b);
        }

        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pb = ref MemoryMarshal.GetReference(b);
        Vector256<float> s0 = Vector256<float>.Zero, s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        int i = 0;

        // Eight independent accumulators: enough chains to keep both FMA pipes busy through their latency.
        for (; i <= n - (8 * W); i += 8 * W)
        {
            s0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pa, (nuint)i), Vector256.LoadUnsafe(ref pb, (nuint)i), s0);
            s1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pa, (nuint)(i + W)), Vector256.LoadUnsafe(ref pb, (nuint)(i + W)), s1);
            s2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pa, (nuint)(i + (2 * W))), Vector256.LoadUnsafe(ref pb, (nuint)(i + (2 * W))), s2);
            s3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pa, (nuint)(i + (3 * W))), Vector256.LoadUnsafe(ref pb, (nuint)(i + (3 * W))), s3);
            s4 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pa, (nuint)(i + (4 * W))), Vector256.LoadUnsafe(ref pb, (nuint)(i + (4 * W))), s4);
            s5 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pa, (nuint)(i + (5 * W))), Vector256.LoadUnsafe(ref pb, (nuint)(i + (5 * W))), s5);
            s6 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pa, (nuint)(i + (6 * W))), Vector256.LoadUnsafe(ref pb, (nuint)(i + (6 * W))), s6);
            s7 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pa, (nuint)(i + (7 * W))), Vector256.LoadUnsafe(ref pb, (nuint)(i + (7 * W))), s7);
        }

        for (; i <= n - (2 * W); i += 2 * W)
        {
            s0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pa, (nuint)i), Vector256.LoadUnsafe(ref pb, (nuint)i), s0);
            s1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pa, (nuint)(i + W)), Vector256.LoadUnsafe(ref pb, (nuint)(i + W)), s1);
        }

        if (i <= n - W)
        {
            s2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pa, (nuint)i), Vector256.LoadUnsafe(ref pb, (nuint)i), s2);
            i += W;
        }

        if (i != n)
        {
            Vector256<float> x = Vector256.LoadUnsafe(ref pa, (nuint)(n - W)) & TailMask.Last256(n - i);
            s3 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref pb, (nuint)(n - W)), s3);
        }

        return Vector256.Sum(((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float L2Squared(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int n = a.Length;
        if (n < W)
        {
            return Vector128Kernels.L2Squared(a, b);
        }

        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pb = ref MemoryMarshal.GetReference(b);
        Vector256<float> s0 = Vector256<float>.Zero, s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        int i = 0;

        // Eight independent accumulators: enough chains to keep both FMA pipes busy through their latency.
        for (; i <= n - (8 * W); i += 8 * W)
        {
            Vector256<float> d0 = Vector256.LoadUnsafe(ref pa, (nuint)i) - Vector256.LoadUnsafe(ref pb, (nuint)i);
            s0 = Vector256.FusedMultiplyAdd(d0, d0, s0);
            Vector256<float> d1 = Vector256.LoadUnsafe(ref pa, (nuint)(i + W)) - Vector256.LoadUnsafe(ref pb, (nuint)(i + W));
            s1 = Vector256.FusedMultiplyAdd(d1, d1, s1);
            Vector256<float> d2 = Vector256.LoadUnsafe(ref pa, (nuint)(i + (2 * W))) - Vector256.LoadUnsafe(ref pb, (nuint)(i + (2 * W)));
            s2 = Vector256.FusedMultiplyAdd(d2, d2, s2);
            Vector256<float> d3 = Vector256.LoadUnsafe(ref pa, (nuint)(i + (3 * W))) - Vector256.LoadUnsafe(ref pb, (nuint)(i + (3 * W)));
            s3 = Vector256.FusedMultiplyAdd(d3, d3, s3);
            Vector256<float> d4 = Vector256.LoadUnsafe(ref pa, (nuint)(i + (4 * W))) - Vector256.LoadUnsafe(ref pb, (nuint)(i + (4 * W)));
            s4 = Vector256.FusedMultiplyAdd(d4, d4, s4);
            Vector256<float> d5 = Vector256.LoadUnsafe(ref pa, (nuint)(i + (5 * W))) - Vector256.LoadUnsafe(ref pb, (nuint)(i + (5 * W)));
            s5 = Vector256.FusedMultiplyAdd(d5, d5, s5);
            Vector256<float> d6 = Vector256.LoadUnsafe(ref pa, (nuint)(i + (6 * W))) - Vector256.LoadUnsafe(ref pb, (nuint)(i + (6 * W)));
            s6 = Vector256.FusedMultiplyAdd(d6, d6, s6);
            Vector256<float> d7 = Vector256.LoadUnsafe(ref pa, (nuint)(i + (7 * W))) - Vector256.LoadUnsafe(ref pb, (nuint)(i + (7 * W)));
            s7 = Vector256.FusedMultiplyAdd(d7, d7, s7);
        }

        for (; i <= n - (2 * W); i += 2 * W)
        {
            Vector256<float> d0 = Vector256.LoadUnsafe(ref pa, (nuint)i) - Vector256.LoadUnsafe(ref pb, (nuint)i);
            s0 = Vector256.FusedMultiplyAdd(d0, d0, s0);
            Vector256<float> d1 = Vector256.LoadUnsafe(ref pa, (nuint)(i + W)) - Vector256.LoadUnsafe(ref pb, (nuint)(i + W));
            s1 = Vector256.FusedMultiplyAdd(d1, d1, s1);
        }

        if (i <= n - W)
        {
            Vector256<float> d2 = Vector256.LoadUnsafe(ref pa, (nuint)i) - Vector256.LoadUnsafe(ref pb, (nuint)i);
            s2 = Vector256.FusedMultiplyAdd(d2, d2, s2);
            i += W;
        }

        if (i != n)
        {
            Vector256<float> d = (Vector256.LoadUnsafe(ref pa, (nuint)(n - W)) - Vector256.LoadUnsafe(ref pb, (nuint)(n - W)))
                & TailMask.Last256(n - i);
            s3 = Vector256.FusedMultiplyAdd(d, d, s3);
        }

        return Vector256.Sum(((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float CosineDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int n = a.Length;
        if (n < W)
        {
            return Vector128Kernels.CosineDistance(a, b);
        }

        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pb = ref MemoryMarshal.GetReference(b);
        Vector256<float> dot0 = Vector256<float>.Zero, dot1 = dot0, na0 = dot0, na1 = dot0, nb0 = dot0, nb1 = dot0;
        int i = 0;
        for (; i <= n - (2 * W); i += 2 * W)
        {
            Vector256<float> x0 = Vector256.LoadUnsafe(ref pa, (nuint)i);
            Vector256<float> y0 = Vector256.LoadUnsafe(ref pb, (nuint)i);
            Vector256<float> x1 = Vector256.LoadUnsafe(ref pa, (nuint)(i + W));
            Vector256<float> y1 = Vector256.LoadUnsafe(ref pb, (nuint)(i + W));
            dot0 = Vector256.FusedMultiplyAdd(x0, y0, dot0);
            na0 = Vector256.FusedMultiplyAdd(x0, x0, na0);
            nb0 = Vector256.FusedMultiplyAdd(y0, y0, nb0);
            dot1 = Vector256.FusedMultiplyAdd(x1, y1, dot1);
            na1 = Vector256.FusedMultiplyAdd(x1, x1, na1);
            nb1 = Vector256.FusedMultiplyAdd(y1, y1, nb1);
        }

        if (i <= n - W)
        {
            Vector256<float> x = Vector256.LoadUnsafe(ref pa, (nuint)i);
            Vector256<float> y = Vector256.LoadUnsafe(ref pb, (nuint)i);
            dot0 = Vector256.FusedMultiplyAdd(x, y, dot0);
            na0 = Vector256.FusedMultiplyAdd(x, x, na0);
            nb0 = Vector256.FusedMultiplyAdd(y, y, nb0);
            i += W;
        }

        if (i != n)
        {
            Vector256<float> mask = TailMask.Last256(n - i);
            Vector256<float> x = Vector256.LoadUnsafe(ref pa, (nuint)(n - W)) & mask;
            Vector256<float> y = Vector256.LoadUnsafe(ref pb, (nuint)(n - W)) & mask;
            dot1 = Vector256.FusedMultiplyAdd(x, y, dot1);
            na1 = Vector256.FusedMultiplyAdd(x, x, na1);
            nb1 = Vector256.FusedMultiplyAdd(y, y, nb1);
        }

        return ScalarKernels.CosineFromParts(Vector256.Sum(dot0 + dot1), Vector256.Sum(na0 + na1), Vector256.Sum(nb0 + nb1));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int DotInt8(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        int n = a.Length;
        ref sbyte pa = ref MemoryMarshal.GetReference(a);
        ref sbyte pb = ref MemoryMarshal.GetReference(b);
        Vector256<int> s0 = Vector256<int>.Zero, s1 = s0;
        int i = 0;
        for (; i <= n - (2 * B); i += 2 * B)
        {
            s0 += Avx2.MultiplyAddAdjacent(
                Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref pa, (nuint)i)),
                Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref pb, (nuint)i)));
            s1 += Avx2.MultiplyAddAdjacent(
                Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref pa, (nuint)(i + B))),
                Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref pb, (nuint)(i + B))));
        }

        if (i <= n - B)
        {
            s0 += Avx2.MultiplyAddAdjacent(
                Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref pa, (nuint)i)),
                Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref pb, (nuint)i)));
            i += B;
        }

        int sum = Vector256.Sum(s0 + s1);
        return i == n ? sum : sum + Vector128Kernels.DotInt8(a[i..], b[i..]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int L2SquaredInt8(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        int n = a.Length;
        ref sbyte pa = ref MemoryMarshal.GetReference(a);
        ref sbyte pb = ref MemoryMarshal.GetReference(b);
        Vector256<int> s0 = Vector256<int>.Zero, s1 = s0;
        int i = 0;
        for (; i <= n - (2 * B); i += 2 * B)
        {
            Vector256<short> d0 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref pa, (nuint)i))
                - Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref pb, (nuint)i));
            Vector256<short> d1 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref pa, (nuint)(i + B)))
                - Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref pb, (nuint)(i + B)));
            s0 += Avx2.MultiplyAddAdjacent(d0, d0);
            s1 += Avx2.MultiplyAddAdjacent(d1, d1);
        }

        if (i <= n - B)
        {
            Vector256<short> d = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref pa, (nuint)i))
                - Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref pb, (nuint)i));
            s0 += Avx2.MultiplyAddAdjacent(d, d);
            i += B;
        }

        int sum = Vector256.Sum(s0 + s1);
        return i == n ? sum : sum + Vector128Kernels.L2SquaredInt8(a[i..], b[i..]);
    }
}
