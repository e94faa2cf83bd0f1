namespace AgentDb.Index.Hnsw;

/// <summary>
/// Draws each node's top level from the exponential distribution HNSW needs (<c>floor(-ln(U) / ln(M))</c>), as a pure
/// function of the seed and the node number: the graph does not depend on which thread inserts which node first.
/// </summary>
internal static class LevelGenerator
{
    /// <summary>The highest level ever drawn; far above what any realistic index reaches (about log_M(n)).</summary>
    public const int MaxLevel = 31;

    public static double MultiplierFor(int m) => 1.0 / Math.Log(m);

    public static int Draw(int seed, int node, double multiplier)
    {
        // SplitMix64 of (seed, node): a full-avalanche hash, so consecutive nodes draw independent levels.
        ulong z = ((ulong)(uint)seed << 32) ^ (uint)node;
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        double uniform = ((z >> 11) + 1) * (1.0 / (1UL << 53)); // in (0, 1]
        return (int)Math.Min(-Math.Log(uniform) * multiplier, MaxLevel);
    }
}
