namespace AgentDb.Memory.Graph;

/// <summary>A node reached by <see cref="GraphStore.Traverse"/>.</summary>
/// <param name="Node">The node.</param>
/// <param name="Depth">Its distance from the start in edges (1 for a direct neighbour).</param>
/// <param name="Path">The breadth-first path that reached it (a shortest one under the traversal's edge rules), when asked for; else null.</param>
public sealed record TraversedNode(GraphNode Node, int Depth, GraphPath? Path);
