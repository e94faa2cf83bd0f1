using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AgentDb.Kernels;

/// <summary>
/// Scalar distance kernels: the fallback on hardware without vector units and for short tails.
/// Callers have checked that the spans have equal length.
/// </summary>
internal static class ScalarKernels
{
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pb = ref MemoryMarshal.GetReference(b);
        float sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += Unsafe.Add(ref pa, i) * Unsafe.Add(ref pb, i);
        }

        return sum;
    }

    public static float L2Squared(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pb = ref MemoryMarshal.GetReference(b);
        float sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            float d = Unsafe.Add(ref pa, i) - Unsafe.Add(ref pb, i);
            sum += d * d;
        }

        return sum;
    }

    public static float CosineDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pb = ref MemoryMarshal.GetReference(b);
        float dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            float x = Unsafe.Add(ref pa, i);
            float y = Unsafe.Add(ref pb, i);
            dot += x * y;
            na += x * x;
            nb += y * y;
        }

        return CosineFromParts(dot, na, nb);
    }

    public static int DotInt8(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        ref sbyte pa = ref MemoryMarshal.GetReference(a);
        ref sbyte pb = ref MemoryMarshal.GetReference(b);
        int sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += Unsafe.Add(ref pa, i) * Unsafe.Add(ref pb, i);
        }

        return sum;
    }

    public static int L2SquaredInt8(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        ref sbyte pa = ref MemoryMarshal.GetReference(a);
        ref sbyte pb = ref MemoryMarshal.GetReference(b);
        int sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            int d = Unsafe.Add(ref pa, i) - Unsafe.Add(ref pb, i);
            sum += d * d;
        }

        return sum;
    }

    /// <summary>
    /// <c>1 - dot / (|a| |b|)</c>, clamped to [0, 2]; a zero vector is at distance 1 (orthogonal to everything),
    /// so that a degenerate input never yields NaN inside an index.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float CosineFromParts(float dot, float normSquaredA, float normSquaredB)
    {
        float denominator = MathF.Sqrt(normSquaredA * normSquaredB);
        if (!(denominator > 0f) || float.IsInfinity(denominator))
        {
            return CosineFromPartsWide(dot, normSquaredA, normSquaredB);
        }

        return Math.Clamp(1f - (dot / denominator), 0f, 2f);
    }

    // The product of the squared norms over- or underflowed float (or a norm is zero): redo it in double.
    private static float CosineFromPartsWide(float dot, float normSquaredA, float normSquaredB)
    {
        double denominator = Math.Sqrt((double)normSquaredA) * Math.Sqrt((double)normSquaredB);
        if (!(denominator > 0d) || double.IsInfinity(denominator))
        {
            return 1f;
        }

        return (float)Math.Clamp(1d - (dot / denominator), 0d, 2d);
    }
}
