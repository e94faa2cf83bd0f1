namespace AgentDb.Simulation.Scenarios.Voting;

/// <summary>Vector helpers of the voting scenario: random unit vectors, normalisation, similarity and ranking. All
/// sums run in index order, so results are bit-for-bit the same for the same inputs.</summary>
internal static class PreferenceSpace
{
    /// <summary>The dot product (the cosine similarity of unit vectors).</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException("The vectors differ in dimension.", nameof(b));
        }
        float sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }
        return sum;
    }

    /// <summary>Scales <paramref name="v"/> to unit length in place (a zero vector becomes the first axis).</summary>
    public static void Normalize(Span<float> v)
    {
        double norm = 0;
        for (int i = 0; i < v.Length; i++)
        {
            norm += (double)v[i] * v[i];
        }
        if (norm == 0)
        {
            v.Clear();
            v[0] = 1;
            return;
        }
        float scale = (float)(1 / Math.Sqrt(norm));
        for (int i = 0; i < v.Length; i++)
        {
            v[i] *= scale;
        }
    }

    /// <summary>A vector of independent standard normal draws (Box–Muller), not normalised.</summary>
    public static float[] Gaussian(Random random, int dimension)
    {
        var v = new float[dimension];
        for (int i = 0; i < dimension; i++)
        {
            v[i] = (float)NextGaussian(random);
        }
        return v;
    }

    /// <summary>A unit vector <c>normalize(weight · anchor + noise · N(0, I/√d))</c>.</summary>
    public static float[] Around(Random random, ReadOnlySpan<float> anchor, float weight, float noise)
    {
        int d = anchor.Length;
        float perAxis = noise / MathF.Sqrt(d);
        var v = new float[d];
        for (int i = 0; i < d; i++)
        {
            v[i] = weight * anchor[i] + perAxis * (float)NextGaussian(random);
        }
        Normalize(v);
        return v;
    }

    /// <summary>A standard normal draw.</summary>
    public static double NextGaussian(Random random)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>
    /// A voter's ballot: the candidates whose similarity to <paramref name="preference"/> is at least
    /// <paramref name="minimumSimilarity"/>, most similar first (ties: lower index first); always at least the most
    /// similar candidate, so a ballot is never empty.
    /// </summary>
    public static int[] Rank(ReadOnlySpan<float> preference, IReadOnlyList<float[]> candidates, float minimumSimilarity)
    {
        int c = candidates.Count;
        var similarity = new float[c];
        var order = new int[c];
        for (int i = 0; i < c; i++)
        {
            similarity[i] = Dot(preference, candidates[i]);
            order[i] = i;
        }
        Array.Sort(order, (a, b) => similarity[a] != similarity[b] ? similarity[b].CompareTo(similarity[a]) : a.CompareTo(b));
        int length = 1;
        while (length < c && similarity[order[length]] >= minimumSimilarity)
        {
            length++;
        }
        return order.AsSpan(0, length).ToArray();
    }
}
