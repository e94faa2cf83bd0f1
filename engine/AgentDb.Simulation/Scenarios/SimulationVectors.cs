namespace AgentDb.Simulation.Scenarios;

/// <summary>Deterministic embeddings for scenarios, which supply their own vectors (no embedder runs): unit vectors drawn
/// from a seeded <see cref="Random"/>, and blends of them, so the same seed stores and queries the same vectors.</summary>
public static class SimulationVectors
{
    /// <summary>A unit vector of <paramref name="dimension"/> floats with components drawn from <paramref name="random"/>.</summary>
    public static float[] Unit(Random random, int dimension)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        var vector = new float[dimension];
        for (int i = 0; i < vector.Length; i++)
        {
            vector[i] = (float)(random.NextDouble() * 2 - 1);
        }
        Normalize(vector);
        return vector;
    }

    /// <summary>The unit vector along <paramref name="center"/> + <paramref name="weight"/> × a fresh random unit vector:
    /// a point near <paramref name="center"/> (closer for a smaller weight).</summary>
    public static float[] Near(ReadOnlySpan<float> center, double weight, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var vector = Unit(random, center.Length);
        for (int i = 0; i < vector.Length; i++)
        {
            vector[i] = center[i] + (float)weight * vector[i];
        }
        Normalize(vector);
        return vector;
    }

    /// <summary>Scales <paramref name="vector"/> to length 1 (a zero vector becomes the first axis).</summary>
    public static void Normalize(Span<float> vector)
    {
        double sum = 0;
        for (int i = 0; i < vector.Length; i++)
        {
            sum += (double)vector[i] * vector[i];
        }
        if (sum == 0)
        {
            vector[0] = 1;
            return;
        }
        float scale = (float)(1 / Math.Sqrt(sum));
        for (int i = 0; i < vector.Length; i++)
        {
            vector[i] *= scale;
        }
    }
}
