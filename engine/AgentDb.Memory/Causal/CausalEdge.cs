namespace AgentDb.Memory.Causal;

/// <summary>
/// A causal edge between two memories: doing (or recalling) <see cref="From"/> changes the outcome <see cref="To"/> by
/// <see cref="Uplift"/>, believed with <see cref="Confidence"/>, through <see cref="Mechanism"/>. Immutable.
/// </summary>
/// <param name="Id">The edge id, derived from (from, to, mechanism): see <see cref="CausalMemory.EdgeId"/>.</param>
/// <param name="From">The cause (intervention) memory id.</param>
/// <param name="To">The effect (outcome) memory id.</param>
/// <param name="Mechanism">How the cause acts (empty when unspecified).</param>
/// <param name="Uplift">The estimated change in the outcome (finite; negative means the cause hurts).</param>
/// <param name="Confidence">Belief that the effect is real, in [0, 1].</param>
/// <param name="SampleSize">Observations behind the estimate (0 when unknown).</param>
/// <param name="EvidenceIds">Ids of the memories that support the edge (episodes, for example), as given.</param>
/// <param name="CreatedUnixMs">When the edge was first added (Unix milliseconds, UTC).</param>
/// <param name="UpdatedUnixMs">When the edge was last added or updated (Unix milliseconds, UTC).</param>
public sealed record CausalEdge(
    string Id,
    string From,
    string To,
    string Mechanism,
    double Uplift,
    double Confidence,
    long SampleSize,
    IReadOnlyList<string> EvidenceIds,
    long CreatedUnixMs,
    long UpdatedUnixMs)
{
    /// <summary><see cref="Uplift"/> × <see cref="Confidence"/>: the order of effect and cause queries.</summary>
    public double ExpectedUplift => Uplift * Confidence;
}
