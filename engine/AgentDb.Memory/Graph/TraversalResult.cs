using AgentDb.Memory.Provenance;

namespace AgentDb.Memory.Graph;

/// <summary>What <see cref="GraphStore.Traverse"/> found. Immutable.</summary>
/// <param name="Nodes">The matching nodes in breadth-first order (by depth, then adjacency order), the start excluded.</param>
/// <param name="Truncated">
/// True when the walk stopped before finishing: a further matching node existed beyond <see cref="TraversalOptions.Limit"/>,
/// or <see cref="TraversalOptions.MaxVisited"/> / <see cref="TraversalOptions.MaxEdgesScanned"/> ran out with work left.
/// </param>
/// <param name="Visited">Distinct nodes discovered, the start included.</param>
/// <param name="Certificate">The certificate over <paramref name="Nodes"/> when asked for; else null.</param>
public sealed record TraversalResult(IReadOnlyList<TraversedNode> Nodes, bool Truncated, int Visited, RecallCertificate? Certificate);
