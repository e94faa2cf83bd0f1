using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AgentDb.Kernels;

/// <summary>
/// 128-bit kernels (SSE or AdvSimd; fused multiply-add where the hardware has it). Independent accumulators hide the FMA latency; the tail is one
/// masked, overlapping vector. Spans shorter than one vector go to the scalar kernels.
/// Callers have checked that the spans have equal length.
/// </summary>
internal static class Vector128Kernels
{
    private const int W = 4;    // floats per vector

    public static bool IsSupported =>
        Vector128.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int n = a.Length;
        if (n < W)
        {
            return ScalarKernels.Dot(a, b);
        }

        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pb = ref MemoryMarshal.GetReference(b);
        Vector128<float> s0 = Vector128<float>.Zero, s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        int i = 0;

        // Eight independent accumulators: enough chains to keep both FMA pipes busy through their latency.
        for (; i <= n - (8 * W); i += 8 * W)
        {
            s0 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref pa, (nuint)i), Vector128.LoadUnsafe(ref pb, (nuint)i), s0);
            s1 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref pa, (nuint)(i + W)), Vector128.LoadUnsafe(ref pb, (nuint)(i + W)), s1);
            s2 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref pa, (nuint)(i + (2 * W))), Vector128.LoadUnsafe(ref pb, (nuint)(i + (2 * W))), s2);
            s3 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref pa, (nuint)(i + (3 * W))), Vector128.LoadUnsafe(ref pb, (nuint)(i + (3 * W))), s3);
            s4 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref pa, (nuint)(i + (4 * W))), Vector128.LoadUnsafe(ref pb, (nuint)(i + (4 * W))), s4);
            s5 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref pa, (nuint)(i + (5 * W))), Vector128.LoadUnsafe(ref pb, (nuint)(i + (5 * W))), s5);
            s6 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref pa, (nuint)(i + (6 * W))), Vector128.LoadUnsafe(ref pb, (nuint)(i + (6 * W))), s6);
            s7 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref pa, (nuint)(i + (7 * W))), Vector128.LoadUnsafe(ref pb, (nuint)(i + (7 * W))), s7);
        }

        for (; i <= n - (2 * W); i += 2 * W)
        {
            s0 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref pa, (nuint)i), Vector128.LoadUnsafe(ref pb, (nuint)i), s0);
            s1 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref pa, (nuint)(i + W)), Vector128.LoadUnsafe(ref pb, (nuint)(i + W)), s1);
        }

        if (i <= n - W)
        {
            s2 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref pa, (nuint)i), Vector128.LoadUnsafe(ref pb, (nuint)i), s2);
            i += W;
        }

        if (i != n)
        {
            Vector128<float> x = Vector128.LoadUnsafe(ref pa, (nuint)(n - W)) & TailMask.Last128(n - i);
            s3 = Vector128.MultiplyAddEstimate(x, Vector128.LoadUnsafe(ref pb, (nuint)(n - W)), s3);
        }

        return Vector128.Sum(((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float L2Squared(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int n = a.Length;
        if (n < W)
        {
            return ScalarKernels.L2Squared(a, b);
        }

        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pb = ref MemoryMarshal.GetReference(b);
        Vector128<float> s0 = Vector128<float>.Zero, s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        int i = 0;

        // Eight independent accumulators: enough chains to keep both FMA pipes busy through their latency.
        for (; i <= n - (8 * W); i += 8 * W)
        {
            Vector128<float> d0 = Vector128.LoadUnsafe(ref pa, (nuint)i) - Vector128.LoadUnsafe(ref pb, (nuint)i);
            s0 = Vector128.MultiplyAddEstimate(d0, d0, s0);
            Vector128<float> d1 = Vector128.LoadUnsafe(ref pa, (nuint)(i + W)) - Vector128.LoadUnsafe(ref pb, (nuint)(i + W));
            s1 = Vector128.MultiplyAddEstimate(d1, d1, s1);
            Vector128<float> d2 = Vector128.LoadUnsafe(ref pa, (nuint)(i + (2 * W))) - Vector128.LoadUnsafe(ref pb, (nuint)(i + (2 * W)));
            s2 = Vector128.MultiplyAddEstimate(d2, d2, s2);
            Vector128<float> d3 = Vector128.LoadUnsafe(ref pa, (nuint)(i + (3 * W))) - Vector128.LoadUnsafe(ref pb, (nuint)(i + (3 * W)));
            s3 = Vector128.MultiplyAddEstimate(d3, d3, s3);
            Vector128<float> d4 = Vector128.LoadUnsafe(ref pa, (nuint)(i + (4 * W))) - Vector128.LoadUnsafe(ref pb, (nuint)(i + (4 * W)));
            s4 = Vector128.MultiplyAddEstimate(d4, d4, s4);
            Vector128<float> d5 = Vector128.LoadUnsafe(ref pa, (nuint)(i + (5 * W))) - Vector128.LoadUnsafe(ref pb, (nuint)(i + (5 * W)));
            s5 = Vector128.MultiplyAddEstimate(d5, d5, s5);
            Vector128<float> d6 = Vector128.LoadUnsafe(ref pa, (nuint)(i + (6 * W))) - Vector128.LoadUnsafe(ref pb, (nuint)(i + (6 * W)));
            s6 = Vector128.MultiplyAddEstimate(d6, d6, s6);
            Vector128<float> d7 = Vector128.LoadUnsafe(ref pa, (nuint)(i + (7 * W))) - Vector128.LoadUnsafe(ref pb, (nuint)(i + (7 * W)));
            s7 = Vector128.MultiplyAddEstimate(d7, d7, s7);
        }

        for (; i <= n - (2 * W); i += 2 * W)
        {
            Vector128<float> d0 = Vector128.LoadUnsafe(ref pa, (nuint)i) - Vector128.LoadUnsafe(ref pb, (nuint)i);
            s0 = Vector128.MultiplyAddEstimate(d0, d0, s0);
            Vector128<float> d1 = Vector128.LoadUnsafe(ref pa, (nuint)(i + W)) - Vector128.LoadUnsafe(ref pb, (nuint)(i + W));
            s1 = Vector128.MultiplyAddEstimate(d1, d1, s1);
        }

        if (i <= n - W)
        {
            Vector128<float> d2 = Vector128.LoadUnsafe(ref pa, (nuint)i) - Vector128.LoadUnsafe(ref pb, (nuint)i);
            s2 = Vector128.MultiplyAddEstimate(d2, d2, s2);
            i += W;
        }

        if (i != n)
        {
            Vector128<float> d = (Vector128.LoadUnsafe(ref pa, (nuint)(n - W)) - Vector128.LoadUnsafe(ref pb, (nuint)(n - W)))
                & TailMask.Last128(n - i);
            s3 = Vector128.MultiplyAddEstimate(d, d, s3);
        }

        return Vector128.Sum(((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float CosineDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int n = a.Length;
        if (n < W)
        {
            return ScalarKernels.CosineDistance(a, b);
        }

        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pb = ref MemoryMarshal.GetReference(b);
        Vector128<float> dot0 = Vector128<float>.Zero, dot1 = dot0, na0 = dot0, na1 = dot0, nb0 = dot0, nb1 = dot0;
        int i = 0;
        for (; i <= n - (2 * W); i += 2 * W)
        {
            Vector128<float> x0 = Vector128.LoadUnsafe(ref pa, (nuint)i);
            Vector128<float> y0 = Vector128.LoadUnsafe(ref pb, (nuint)i);
            Vector128<float> x1 = Vector128.LoadUnsafe(ref pa, (nuint)(i + W));
            Vector128<float> y1 = Vector128.LoadUnsafe(ref pb, (nuint)(i + W));
            dot0 = Vector128.MultiplyAddEstimate(x0, y0, dot0);
            na0 = Vector128.MultiplyAddEstimate(x0, x0, na0);
            nb0 = Vector128.MultiplyAddEstimate(y0, y0, nb0);
            dot1 = Vector128.MultiplyAddEstimate(x1, y1, dot1);
            na1 = Vector128.MultiplyAddEstimate(x1, x1, na1);
            nb1 = Vector128.MultiplyAddEstimate(y1, y1, nb1);
        }

        if (i <= n - W)
        {
            Vector128<float> x = Vector128.LoadUnsafe(ref pa, (nuint)i);
            Vector128<float> y = Vector128.LoadUnsafe(ref pb, (nuint)i);
            dot0 = Vector128.MultiplyAddEstimate(x, y, dot0);
            na0 = Vector128.MultiplyAddEstimate(x, x, na0);
            nb0 = Vector128.MultiplyAddEstimate(y, y, nb0);
            i += W;
        }

        if (i != n)
        {
            Vector128<float> mask = TailMask.Last128(n - i);
            Vector128<float> x = Vector128.LoadUnsafe(ref pa, (nuint)(n - W)) & mask;
            Vector128<float> y = Vector128.LoadUnsafe(ref pb, (nuint)(n - W)) & mask;
            dot1 = Vector128.MultiplyAddEstimate(x, y, dot1);
            na1 = Vector128.MultiplyAddEstimate(x, x, na1);
            nb1 = Vector128.MultiplyAddEstimate(y, y, nb1);
        }

        return ScalarKernels.CosineFromParts(Vector128.Sum(dot0 + dot1), Vector128.Sum(na0 + na1), Vector128.Sum(nb0 + nb1));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int DotInt8(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        int n = a.Length;
        ref sbyte pa = ref MemoryMarshal.GetReference(a);
        ref sbyte pb = ref MemoryMarshal.GetReference(b);
        Vector128<int> s0 = Vector128<int>.Zero, s1 = s0;
        int i = 0;
        for (; i <= n - 16; i += 16)
        {
            (Vector128<short> xl, Vector128<short> xh) = Vector128.Widen(Vector128.LoadUnsafe(ref pa, (nuint)i));
            (Vector128<short> yl, Vector128<short> yh) = Vector128.Widen(Vector128.LoadUnsafe(ref pb, (nuint)i));
            s0 += WidenedProduct(xl, yl);
            s1 += WidenedProduct(xh, yh);
        }

        int sum = Vector128.Sum(s0 + s1);
        return i == n ? sum : sum + ScalarKernels.DotInt8(a[i..], b[i..]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int L2SquaredInt8(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        int n = a.Length;
        ref sbyte pa = ref MemoryMarshal.GetReference(a);
        ref sbyte pb = ref MemoryMarshal.GetReference(b);
        Vector128<int> s0 = Vector128<int>.Zero, s1 = s0;
        int i = 0;
        for (; i <= n - 16; i += 16)
        {
            (Vector128<short> xl, Vector128<short> xh) = Vector128.Widen(Vector128.LoadUnsafe(ref pa, (nuint)i));
            (Vector128<short> yl, Vector128<short> yh) = Vector128.Widen(Vector128.LoadUnsafe(ref pb, (nuint)i));
            Vector128<short> dl = xl - yl;
            Vector128<short> dh = xh - yh;
            s0 += WidenedProduct(dl, dl);
            s1 += WidenedProduct(dh, dh);
        }

        int sum = Vector128.Sum(s0 + s1);
        return i == n ? sum : sum + ScalarKernels.L2SquaredInt8(a[i..], b[i..]);
    }

    // Pairwise products of eight shorts, summed into four ints (what pmaddwd does, portably).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> WidenedProduct(Vector128<short> x, Vector128<short> y)
    {
        (Vector128<int> xl, Vector128<int> xh) = Vector128.Widen(x);
        (Vector128<int> yl, Vector128<int> yh) = Vector128.Widen(y);
        return (xl * yl) + (xh * yh);
    }
}
