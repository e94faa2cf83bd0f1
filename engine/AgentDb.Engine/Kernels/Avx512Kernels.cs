using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AgentDb.Kernels;

/// <summary>
/// 512-bit kernels (AVX-512 F + BW). Four independent accumulators hide the FMA latency; the tail is one
/// masked, overlapping vector. Spans shorter than one vector go to the 256-bit kernels.
/// Callers have checked that the spans have equal length.
/// </summary>
internal static class Avx512Kernels
{
    private const int W = 16;   // floats per vector
    private const int B = 32;   // sbytes per step (widened to 32 shorts)

    public static bool IsSupported =>
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Avx512BW.IsSupported && Avx2Kernels.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int n = a.Length;
        if (n < W)
        {
            return Avx2Kernels.Dot(a, b);
        }

        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pb = ref MemoryMarshal.GetReference(b);
        Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        for (; i <= n - (4 * W); i += 4 * W)
        {
            s0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pa, (nuint)i), Vector512.LoadUnsafe(ref pb, (nuint)i), s0);
            s1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pa, (nuint)(i + W)), Vector512.LoadUnsafe(ref pb, (nuint)(i + W)), s1);
            s2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pa, (nuint)(i + (2 * W))), Vector512.LoadUnsafe(ref pb, (nuint)(i + (2 * W))), s2);
            s3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pa, (nuint)(i + (3 * W))), Vector512.LoadUnsafe(ref pb, (nuint)(i + (3 * W))), s3);
        }

        for (; i <= n - W; i += W)
        {
            s0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pa, (nuint)i), Vector512.LoadUnsafe(ref pb, (nuint)i), s0);
        }

        if (i != n)
        {
            Vector512<float> x = Vector512.LoadUnsafe(ref pa, (nuint)(n - W)) & TailMask.Last512(n - i);
            s1 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref pb, (nuint)(n - W)), s1);
        }

        return Vector512.Sum((s0 + s1) + (s2 + s3));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float L2Squared(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int n = a.Length;
        if (n < W)
        {
            return Avx2Kernels.L2Squared(a, b);
        }

        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pb = ref MemoryMarshal.GetReference(b);
        Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        for (; i <= n - (4 * W); i += 4 * W)
        {
            Vector512<float> d0 = Vector512.LoadUnsafe(ref pa, (nuint)i) - Vector512.LoadUnsafe(ref pb, (nuint)i);
            Vector512<float> d1 = Vector512.LoadUnsafe(ref pa, (nuint)(i + W)) - Vector512.LoadUnsafe(ref pb, (nuint)(i + W));
            Vector512<float> d2 = Vector512.LoadUnsafe(ref pa, (nuint)(i + (2 * W))) - Vector512.LoadUnsafe(ref pb, (nuint)(i + (2 * W)));
            Vector512<float> d3 = Vector512.LoadUnsafe(ref pa, (nuint)(i + (3 * W))) - Vector512.LoadUnsafe(ref pb, (nuint)(i + (3 * W)));
            s0 = Vector512.FusedMultiplyAdd(d0, d0, s0);
            s1 = Vector512.FusedMultiplyAdd(d1, d1, s1);
            s2 = Vector512.FusedMultiplyAdd(d2, d2, s2);
            s3 = Vector512.FusedMultiplyAdd(d3, d3, s3);
        }

        for (; i <= n - W; i += W)
        {
            Vector512<float> d = Vector512.LoadUnsafe(ref pa, (nuint)i) - Vector512.LoadUnsafe(ref pb, (nuint)i);
            s0 = Vector512.FusedMultiplyAdd(d, d, s0);
        }

        if (i != n)
        {
            Vector512<float> d = (Vector512.LoadUnsafe(ref pa, (nuint)(n - W)) - Vector512.LoadUnsafe(ref pb, (nuint)(n - W)))
                & TailMask.Last512(n - i);
            s1 = Vector512.FusedMultiplyAdd(d, d, s1);
        }

        return Vector512.Sum((s0 + s1) + (s2 + s3));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float CosineDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int n = a.Length;
        if (n < W)
        {
            return Avx2Kernels.CosineDistance(a, b);
        }

        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pb = ref MemoryMarshal.GetReference(b);
        Vector512<float> dot0 = Vector512<float>.Zero, dot1 = dot0, na0 = dot0, na1 = dot0, nb0 = dot0, nb1 = dot0;
        int i = 0;
        for (; i <= n - (2 * W); i += 2 * W)
        {
            Vector512<float> x0 = Vector512.LoadUnsafe(ref pa, (nuint)i);
            Vector512<float> y0 = Vector512.LoadUnsafe(ref pb, (nuint)i);
            Vector512<float> x1 = Vector512.LoadUnsafe(ref pa, (nuint)(i + W));
            Vector512<float> y1 = Vector512.LoadUnsafe(ref pb, (nuint)(i + W));
            dot0 = Vector512.FusedMultiplyAdd(x0, y0, dot0);
            na0 = Vector512.FusedMultiplyAdd(x0, x0, na0);
            nb0 = Vector512.FusedMultiplyAdd(y0, y0, nb0);
            dot1 = Vector512.FusedMultiplyAdd(x1, y1, dot1);
            na1 = Vector512.FusedMultiplyAdd(x1, x1, na1);
            nb1 = Vector512.FusedMultiplyAdd(y1, y1, nb1);
        }

        if (i <= n - W)
        {
            Vector512<float> x = Vector512.LoadUnsafe(ref pa, (nuint)i);
            Vector512<float> y = Vector512.LoadUnsafe(ref pb, (nuint)i);
            dot0 = Vector512.FusedMultiplyAdd(x, y, dot0);
            na0 = Vector512.FusedMultiplyAdd(x, x, na0);
            nb0 = Vector512.FusedMultiplyAdd(y, y, nb0);
            i += W;
        }

        if (i != n)
        {
            Vector512<float> mask = TailMask.Last512(n - i);
            Vector512<float> x = Vector512.LoadUnsafe(ref pa, (nuint)(n - W)) & mask;
            Vector512<float> y = Vector512.LoadUnsafe(ref pb, (nuint)(n - W)) & mask;
            dot1 = Vector512.FusedMultiplyAdd(x, y, dot1);
            na1 = Vector512.FusedMultiplyAdd(x, x, na1);
            nb1 = Vector512.FusedMultiplyAdd(y, y, nb1);
        }

        return ScalarKernels.CosineFromParts(Vector512.Sum(dot0 + dot1), Vector512.Sum(na0 + na1), Vector512.Sum(nb0 + nb1));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int DotInt8(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        int n = a.Length;
        ref sbyte pa = ref MemoryMarshal.GetReference(a);
        ref sbyte pb = ref MemoryMarshal.GetReference(b);
        Vector512<int> s0 = Vector512<int>.Zero, s1 = s0;
        int i = 0;
        for (; i <= n - (2 * B); i += 2 * B)
        {
            s0 += Avx512BW.MultiplyAddAdjacent(
                Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref pa, (nuint)i)),
                Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref pb, (nuint)i)));
            s1 += Avx512BW.MultiplyAddAdjacent(
                Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref pa, (nuint)(i + B))),
                Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref pb, (nuint)(i + B))));
        }

        if (i <= n - B)
        {
            s0 += Avx512BW.MultiplyAddAdjacent(
                Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref pa, (nuint)i)),
                Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref pb, (nuint)i)));
            i += B;
        }

        int sum = Vector512.Sum(s0 + s1);
        return i == n ? sum : sum + Avx2Kernels.DotInt8(a[i..], b[i..]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int L2SquaredInt8(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        int n = a.Length;
        ref sbyte pa = ref MemoryMarshal.GetReference(a);
        ref sbyte pb = ref MemoryMarshal.GetReference(b);
        Vector512<int> s0 = Vector512<int>.Zero, s1 = s0;
        int i = 0;
        for (; i <= n - (2 * B); i += 2 * B)
        {
            Vector512<short> d0 = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref pa, (nuint)i))
                - Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref pb, (nuint)i));
            Vector512<short> d1 = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref pa, (nuint)(i + B)))
                - Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref pb, (nuint)(i + B)));
            s0 += Avx512BW.MultiplyAddAdjacent(d0, d0);
            s1 += Avx512BW.MultiplyAddAdjacent(d1, d1);
        }

        if (i <= n - B)
        {
            Vector512<short> d = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref pa, (nuint)i))
                - Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref pb, (nuint)i));
            s0 += Avx512BW.MultiplyAddAdjacent(d, d);
            i += B;
        }

        int sum = Vector512.Sum(s0 + s1);
        return i == n ? sum : sum + Avx2Kernels.L2SquaredInt8(a[i..], b[i..]);
    }
}
