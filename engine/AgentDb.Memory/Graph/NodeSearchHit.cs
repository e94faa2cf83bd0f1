namespace AgentDb.Memory.Graph;

/// <summary>A node found by similarity.</summary>
/// <param name="Node">The node.</param>
/// <param name="Distance">Cosine distance between the query and the node's embedding (smaller is nearer).</param>
public sealed record NodeSearchHit(GraphNode Node, float Distance);
