namespace AgentDb.Memory.Graph;

/// <summary>One match of a <see cref="GraphPattern"/>: the nodes bound to <c>a</c> and <c>b</c> and the edge between them.</summary>
/// <param name="A">The node matching <see cref="GraphPattern.From"/>.</param>
/// <param name="Edge">The edge (its <c>From</c>/<c>To</c> tell the actual direction).</param>
/// <param name="B">The node matching <see cref="GraphPattern.To"/>.</param>
public sealed record PatternMatch(GraphNode A, GraphEdge Edge, GraphNode B);
