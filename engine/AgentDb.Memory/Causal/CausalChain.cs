using AgentDb.Memory.Provenance;

namespace AgentDb.Memory.Causal;

/// <summary>
/// The strongest causal chain between two memories, or none. Strength is the product of the path's confidences (the
/// probability that every link holds, taking them as independent); the strongest path is not necessarily the shortest.
/// Immutable (results may be shared through the query cache).
/// </summary>
/// <param name="Found">True when a path of at most <see cref="CausalChainOptions.MaxDepth"/> edges was found.</param>
/// <param name="Edges">The path's edges from the cause to the effect (empty when none was found, or when cause and effect are the same memory).</param>
/// <param name="Strength">The product of the edges' confidences (1 for the empty path; 0 when none was found).</param>
/// <param name="Truncated">
/// True when the search stopped at <see cref="CausalChainOptions.MaxExpandedNodes"/> before finding a path: a path may
/// exist. Never true when <see cref="Found"/> is.
/// </param>
/// <param name="ExpandedNodes">How many nodes' outgoing edges were read.</param>
/// <param name="Certificate">With <see cref="CausalChainOptions.WithCertificate"/>: proof of the path's edge records, in path order; else null.</param>
public sealed record CausalChain(bool Found, IReadOnlyList<CausalEdge> Edges, double Strength, bool Truncated, int ExpandedNodes, RecallCertificate? Certificate)
{
    /// <summary>The sum of the path's uplifts (0 for no path).</summary>
    public double TotalUplift
    {
        get
        {
            double sum = 0;
            for (int i = 0; i < Edges.Count; i++)
            {
                sum += Edges[i].Uplift;
            }

            return sum;
        }
    }
}
