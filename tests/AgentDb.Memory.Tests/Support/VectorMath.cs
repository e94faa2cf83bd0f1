namespace AgentDb.Memory.Tests.Support;

/// <summary>Plain scalar helpers for embedding tests.</summary>
internal static class VectorMath
{
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }

        return (float)sum;
    }

    public static float Norm(ReadOnlySpan<float> a) => MathF.Sqrt(Dot(a, a));

    public static float MaxAbsDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        float max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            max = MathF.Max(max, MathF.Abs(a[i] - b[i]));
        }

        return max;
    }

    public static float[] Embed(AgentDb.Memory.Embedding.IEmbedder embedder, string text)
    {
        var vector = new float[embedder.Dimension];
        embedder.Embed(text, vector);
        return vector;
    }
}
