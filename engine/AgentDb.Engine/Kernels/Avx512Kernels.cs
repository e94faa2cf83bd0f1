using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AgentDb.Kernels;

/// <summary>
/// 512-bit kernels (AVX-512 F + BW). Independent accumulators hide the FMA latency; the tail is one
/// masked, overlapping vector. Spans shorter than one vector go to the 256-bit kernels.
/// Callers have checked that the spans have equal length.
/// </summary>
internal static class Avx512Kernels
{
    private const int W = 16;   // floats per vector
    private const int B = 32;   // sbytes per step (widened to 32 shorts)

    // Spans at least this long align their loads first (one masked head vector); shorter ones are not worth the branch.
    private const int AlignFrom = 8 * W;

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
        Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        int i = 0;
        if (n >= AlignFrom && HeadToAlignment(ref pa) is var head and > 0)
        {
            Vector512<float> x = Vector512.LoadUnsafe(ref pa) & FirstLanes(head);
            s0 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref pb), s0);
            i = head;
        }

        // Eight independent accumulators: enough chains to keep both FMA pipes busy through their latency.
        for (; i <= n - (8 * W); i += 8 * W)
        {
            s0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pa, (nuint)i), Vector512.LoadUnsafe(ref pb, (nuint)i), s0);
            s1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pa, (nuint)(i + W)), Vector512.LoadUnsafe(ref pb, (nuint)(i + W)), s1);
            s2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pa, (nuint)(i + (2 * W))), Vector512.LoadUnsafe(ref pb, (nuint)(i + (2 * W))), s2);
            s3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pa, (nuint)(i + (3 * W))), Vector512.LoadUnsafe(ref pb, (nuint)(i + (3 * W))), s3);
            s4 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pa, (nuint)(i + (4 * W))), Vector512.LoadUnsafe(ref pb, (nuint)(i + (4 * W))), s4);
            s5 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pa, (nuint)(i + (5 * W))), Vector512.LoadUnsafe(ref pb, (nuint)(i + (5 * W))), s5);
            s6 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pa, (nuint)(i + (6 * W))), Vector512.LoadUnsafe(ref pb, (nuint)(i + (6 * W))), s6);
            s7 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pa, (nuint)(i + (7 * W))), Vector512.LoadUnsafe(ref pb, (nuint)(i + (7 * W))), s7);
        }

        for (; i <= n - (2 * W); i += 2 * W)
        {
            s0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pa, (nuint)i), Vector512.LoadUnsafe(ref pb, (nuint)i), s0);
            s1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pa, (nuint)(i + W)), Vector512.LoadUnsafe(ref pb, (nuint)(i + W)), s1);
        }

        if (i <= n - W)
        {
            s2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pa, (nuint)i), Vector512.LoadUnsafe(ref pb, (nuint)i), s2);
            i += W;
        }

        if (i != n)
        {
            Vector512<float> x = Vector512.LoadUnsafe(ref pa, (nuint)(n - W)) & TailMask.Last512(n - i);
            s3 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref pb, (nuint)(n - W)), s3);
        }

        return Vector512.Sum(((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)));
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
        Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        int i = 0;
        if (n >= AlignFrom && HeadToAlignment(ref pa) is var head and > 0)
        {
            Vector512<float> d = (Vector512.LoadUnsafe(ref pa) - Vector512.LoadUnsafe(ref pb)) & FirstLanes(head);
            s0 = Vector512.FusedMultiplyAdd(d, d, s0);
            i = head;
        }

        // Eight independent accumulators: enough chains to keep both FMA pipes busy through their latency.
        for (; i <= n - (8 * W); i += 8 * W)
        {
            Vector512<float> d0 = Vector512.LoadUnsafe(ref pa, (nuint)i) - Vector512.LoadUnsafe(ref pb, (nuint)i);
            s0 = Vector512.FusedMultiplyAdd(d0, d0, s0);
            Vector512<float> d1 = Vector512.LoadUnsafe(ref pa, (nuint)(i + W)) - Vector512.LoadUnsafe(ref pb, (nuint)(i + W));
            s1 = Vector512.FusedMultiplyAdd(d1, d1, s1);
            Vector512<float> d2 = Vector512.LoadUnsafe(ref pa, (nuint)(i + (2 * W))) - Vector512.LoadUnsafe(ref pb, (nuint)(i + (2 * W)));
            s2 = Vector512.FusedMultiplyAdd(d2, d2, s2);
            Vector512<float> d3 = Vector512.LoadUnsafe(ref pa, (nuint)(i + (3 * W))) - Vector512.LoadUnsafe(ref pb, (nuint)(i + (3 * W)));
            s3 = Vector512.FusedMultiplyAdd(d3, d3, s3);
            Vector512<float> d4 = Vector512.LoadUnsafe(ref pa, (nuint)(i + (4 * W))) - Vector512.LoadUnsafe(ref pb, (nuint)(i + (4 * W)));
            s4 = Vector512.FusedMultiplyAdd(d4, d4, s4);
            Vector512<float> d5 = Vector512.LoadUnsafe(ref pa, (nuint)(i + (5 * W))) - Vector512.LoadUnsafe(ref pb, (nuint)(i + (5 * W)));
            s5 = Vector512.FusedMultiplyAdd(d5, d5, s5);
            Vector512<float> d6 = Vector512.LoadUnsafe(ref pa, (nuint)(i + (6 * W))) - Vector512.LoadUnsafe(ref pb, (nuint)(i + (6 * W)));
            s6 = Vector512.FusedMultiplyAdd(d6, d6, s6);
            Vector512<float> d7 = Vector512.LoadUnsafe(ref pa, (nuint)(i + (7 * W))) - Vector512.LoadUnsafe(ref pb, (nuint)(i + (7 * W)));
            s7 = Vector512.FusedMultiplyAdd(d7, d7, s7);
        }

        for (; i <= n - (2 * W); i += 2 * W)
        {
            Vector512<float> d0 = Vector512.LoadUnsafe(ref pa, (nuint)i) - Vector512.LoadUnsafe(ref pb, (nuint)i);
            s0 = Vector512.FusedMultiplyAdd(d0, d0, s0);
            Vector512<float> d1 = Vector512.LoadUnsafe(ref pa, (nuint)(i + W)) - Vector512.LoadUnsafe(ref pb, (nuint)(i + W));
            s1 = Vector512.FusedMultiplyAdd(d1, d1, s1);
        }

        if (i <= n - W)
        {
            Vector512<float> d2 = Vector512.LoadUnsafe(ref pa, (nuint)i) - Vector512.LoadUnsafe(ref pb, (nuint)i);
            s2 = Vector512.FusedMultiplyAdd(d2, d2, s2);
            i += W;
        }

        if (i != n)
        {
            Vector512<float> d = (Vector512.LoadUnsafe(ref pa, (nuint)(n - W)) - Vector512.LoadUnsafe(ref pb, (nuint)(n - W)))
                & TailMask.Last512(n - i);
            s3 = Vector512.FusedMultiplyAdd(d, d, s3);
        }

        return Vector512.Sum(((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)));
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
        Vector512<float> dot2 = dot0, dot3 = dot0, na2 = dot0, na3 = dot0, nb2 = dot0, nb3 = dot0;
        int i = 0;
        if (n >= AlignFrom && HeadToAlignment(ref pa) is var head and > 0)
        {
            Vector512<float> mask = FirstLanes(head);
            Vector512<float> x = Vector512.LoadUnsafe(ref pa) & mask;
            Vector512<float> y = Vector512.LoadUnsafe(ref pb) & mask;
            dot0 = Vector512.FusedMultiplyAdd(x, y, dot0);
            na0 = Vector512.FusedMultiplyAdd(x, x, na0);
            nb0 = Vector512.FusedMultiplyAdd(y, y, nb0);
            i = head;
        }

        // Twelve accumulators (three sums × four chains): 32 registers hold them and the loads.
        for (; i <= n - (4 * W); i += 4 * W)
        {
            Vector512<float> x0 = Vector512.LoadUnsafe(ref pa, (nuint)i);
            Vector512<float> y0 = Vector512.LoadUnsafe(ref pb, (nuint)i);
            Vector512<float> x1 = Vector512.LoadUnsafe(ref pa, (nuint)(i + W));
            Vector512<float> y1 = Vector512.LoadUnsafe(ref pb, (nuint)(i + W));
            Vector512<float> x2 = Vector512.LoadUnsafe(ref pa, (nuint)(i + (2 * W)));
            Vector512<float> y2 = Vector512.LoadUnsafe(ref pb, (nuint)(i + (2 * W)));
            Vector512<float> x3 = Vector512.LoadUnsafe(ref pa, (nuint)(i + (3 * W)));
            Vector512<float> y3 = Vector512.LoadUnsafe(ref pb, (nuint)(i + (3 * W)));
            dot0 = Vector512.FusedMultiplyAdd(x0, y0, dot0);
            na0 = Vector512.FusedMultiplyAdd(x0, x0, na0);
            nb0 = Vector512.FusedMultiplyAdd(y0, y0, nb0);
            dot1 = Vector512.FusedMultiplyAdd(x1, y1, dot1);
            na1 = Vector512.FusedMultiplyAdd(x1, x1, na1);
            nb1 = Vector512.FusedMultiplyAdd(y1, y1, nb1);
            dot2 = Vector512.FusedMultiplyAdd(x2, y2, dot2);
            na2 = Vector512.FusedMultiplyAdd(x2, x2, na2);
            nb2 = Vector512.FusedMultiplyAdd(y2, y2, nb2);
            dot3 = Vector512.FusedMultiplyAdd(x3, y3, dot3);
            na3 = Vector512.FusedMultiplyAdd(x3, x3, na3);
            nb3 = Vector512.FusedMultiplyAdd(y3, y3, nb3);
        }

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

        return ScalarKernels.CosineFromParts(
            Vector512.Sum((dot0 + dot1) + (dot2 + dot3)), Vector512.Sum((na0 + na1) + (na2 + na3)), Vector512.Sum((nb0 + nb1) + (nb2 + nb3)));
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

    /// <summary>
    /// Floats from <paramref name="p"/> to the next 64-byte boundary (0 when already there): the loads of the first
    /// span then never split a cache line, and those of the second neither when both share the misalignment.
    /// The address is read once; if the GC moves the array afterwards only the speed changes, never the result.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe int HeadToAlignment(ref float p)
    {
        int misaligned = (int)(((nuint)Unsafe.AsPointer(ref p) & 63) / sizeof(float));
        return misaligned == 0 ? 0 : W - misaligned;
    }

    /// <summary>The first <paramref name="count"/> of 16 lanes set; 0 &lt; count &lt; 16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> FirstLanes(int count) => ~TailMask.Last512(W - count);
}
