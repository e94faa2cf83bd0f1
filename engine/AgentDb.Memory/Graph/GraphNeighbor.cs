namespace AgentDb.Memory.Graph;

/// <summary>One neighbour of a node: the edge that links them, the node at its other end, and which way the edge points.</summary>
/// <param name="Edge">The edge, with its properties.</param>
/// <param name="Node">The node at the edge's other end.</param>
/// <param name="Direction"><see cref="GraphDirection.Out"/> when the edge leaves the queried node, <see cref="GraphDirection.In"/> when it arrives.</param>
public sealed record GraphNeighbor(GraphEdge Edge, GraphNode Node, GraphDirection Direction);
