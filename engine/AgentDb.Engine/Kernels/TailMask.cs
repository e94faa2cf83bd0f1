using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AgentDb.Kernels;

/// <summary>
/// Masks for the last, partial vector of a span. A kernel loads the final full vector that ends at the
/// span's end (overlapping lanes it already summed) and clears the overlapping lanes with one of these,
/// so a tail costs one vector operation instead of a scalar loop and no read ever passes the end.
/// </summary>
internal static class TailMask
{
    // 16 cleared lanes then 16 set lanes. A mask whose last r lanes (of W) are set starts at 16 - W + r.
    private static ReadOnlySpan<int> Table =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    ];

    /// <summary>The last <paramref name="remaining"/> of 16 lanes set; 0 &lt; remaining &lt; 16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Last512(int remaining)
    {
        System.Diagnostics.Debug.Assert(remaining is > 0 and < 16);
        return Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(Table), (nuint)remaining).AsSingle();
    }

    /// <summary>The last <paramref name="remaining"/> of 8 lanes set; 0 &lt; remaining &lt; 8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Last256(int remaining)
    {
        System.Diagnostics.Debug.Assert(remaining is > 0 and < 8);
        return Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(Table), (nuint)(8 + remaining)).AsSingle();
    }

    /// <summary>The last <paramref name="remaining"/> of 4 lanes set; 0 &lt; remaining &lt; 4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Last128(int remaining)
    {
        System.Diagnostics.Debug.Assert(remaining is > 0 and < 4);
        return Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(Table), (nuint)(12 + remaining)).AsSingle();
    }
}
