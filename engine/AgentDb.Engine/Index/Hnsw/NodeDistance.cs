namespace AgentDb.Index.Hnsw;

/// <summary>A node of the graph paired with its distance to whatever is being searched for.</summary>
internal readonly record struct NodeDistance(float Distance, int Node);
