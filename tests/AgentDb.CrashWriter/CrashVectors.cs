// Shared with AgentDb.Engine.Tests (linked into it), so writer and checker compute the same vector per id.

/// <summary>The crash writer's record shape: dimension, batch size and a deterministic vector per id.</summary>
internal static class CrashVectors
{
    public const int Dimension = 8;
    public const int BatchSize = 5;

    /// <summary>A deterministic vector per id (64-bit FNV-1a, then SplitMix64), so the test can recompute it in another process.</summary>
    public static float[] For(string id)
    {
        ulong state = 14695981039346656037;
        foreach (char c in id)
        {
            state = (state ^ c) * 1099511628211;
        }

        float[] vector = new float[Dimension];
        for (int i = 0; i < vector.Length; i++)
        {
            state += 0x9E3779B97F4A7C15;
            ulong z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            z ^= z >> 31;
            vector[i] = (z >> 40) / (float)(1 << 24);
        }

        return vector;
    }
}
