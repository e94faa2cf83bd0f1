using AgentDb.Memory.Provenance;

namespace AgentDb.Memory.Graph;

/// <summary>What <see cref="GraphStore.Match"/> found. Immutable.</summary>
/// <param name="Matches">The matches, ordered by the anchor node's id, then adjacency order.</param>
/// <param name="Truncated">True when a further match existed beyond the limit, or the visit or scan budget ran out with work left.</param>
/// <param name="Visited">Nodes examined.</param>
/// <param name="Certificate">The certificate over the matched nodes when asked for; else null.</param>
public sealed record MatchResult(IReadOnlyList<PatternMatch> Matches, bool Truncated, int Visited, RecallCertificate? Certificate);
