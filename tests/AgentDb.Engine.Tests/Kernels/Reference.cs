namespace AgentDb.Engine.Tests.Kernels;

/// <summary>Double-precision reference computations, the yardstick for every kernel path.</summary>
internal static class Reference
{
    public static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }

        return sum;
    }

    /// <summary>Σ|aᵢ·bᵢ|: the scale against which a sum with cancellation is judged.</summary>
    public static double AbsDot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += Math.Abs((double)a[i] * b[i]);
        }

        return sum;
    }

    public static double L2Squared(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = (double)a[i] - b[i];
            sum += d * d;
        }

        return sum;
    }

    public static double CosineDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double na = Dot(a, a), nb = Dot(b, b);
        if (na == 0 || nb == 0)
        {
            return 1;
        }

        return Math.Clamp(1 - (Dot(a, b) / Math.Sqrt(na * nb)), 0, 2);
    }

    public static long DotInt8(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        long sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    public static long L2SquaredInt8(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        long sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            long d = a[i] - b[i];
            sum += d * d;
        }

        return sum;
    }
}
