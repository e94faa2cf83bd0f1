namespace AgentDb.Index.Hnsw;

/// <summary>
/// Widens a search's beam (ef) with the number of nodes in the graph searched, so one ef keeps about the same recall
/// from a small graph to a large one. HNSW at a fixed ef loses recall as the graph grows, and fastest on data of high
/// intrinsic dimension: on 384-dimension clustered Gaussian vectors, M 16, ef 96 gives recall@10 0.98 at 100,000
/// nodes, 0.93 at 200,000 (hnswlib the same) and 0.73 at 1,000,000 (docs/BENCHMARKS.md, "ANN … Recall against
/// size"). The ef a caller names is read as the breadth for a graph of up to <see cref="ReferenceNodes"/> nodes and
/// multiplied by <c>(nodes / ReferenceNodes)^</c><see cref="Exponent"/> beyond it, up to <see cref="MaxEf"/>.
/// </summary>
internal static class EfScaling
{
    /// <summary>Graphs up to this many nodes are searched with the ef as given.</summary>
    public const int ReferenceNodes = 100_000;

    /// <summary>
    /// How fast the beam grows with the graph: ten times the nodes, <c>10^0.75</c> ≈ 5.6 times the beam. Measured on the
    /// clustered Gaussian set (docs/BENCHMARKS.md, "ANN … Recall against size"): the ef reaching a given recall grew as
    /// <c>nodes^0.67–0.81</c> from 100,000 to 200,000 and 1,000,000 nodes (hnswlib alike at 200,000); with 0.75 the memory
    /// layer's ef 96 becomes 540 at 1,000,000, above the 512 measured there at recall@10 0.963. Data of lower intrinsic
    /// dimension (text embeddings) needs less; a caller who knows that names a smaller ef.
    /// </summary>
    public const double Exponent = 0.75;

    /// <summary>The widest beam scaling produces (an ef named wider than this is kept as named).</summary>
    public const int MaxEf = 4_096;

    /// <summary>
    /// The beam for a search named <paramref name="ef"/> over a graph of <paramref name="nodes"/> nodes, where
    /// <paramref name="ef"/> is meant for graphs of up to <paramref name="referenceNodes"/> nodes (0: no scaling). An ef
    /// of 0 (the index's own default) stays 0.
    /// </summary>
    public static int For(int ef, int nodes, int referenceNodes = ReferenceNodes)
    {
        if (ef <= 0 || referenceNodes <= 0 || nodes <= referenceNodes)
        {
            return ef;
        }

        double scaled = Math.Ceiling(ef * Math.Pow((double)nodes / referenceNodes, Exponent));
        return (int)Math.Max(ef, Math.Min(scaled, MaxEf));
    }
}
