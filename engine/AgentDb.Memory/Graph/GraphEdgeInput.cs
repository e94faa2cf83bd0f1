namespace AgentDb.Memory.Graph;

/// <summary>An edge to write: <see cref="GraphStore.AddEdge(GraphEdgeInput)"/>, <see cref="GraphStore.AddEdges"/>.</summary>
public sealed record GraphEdgeInput
{
    /// <summary>The id of the node the edge leaves (must exist).</summary>
    public required string From { get; init; }

    /// <summary>The edge's type: non-empty, at most <see cref="GraphStore.MaxNameBytes"/> UTF-8 bytes, without <c>'/'</c>.</summary>
    public required string Type { get; init; }

    /// <summary>The id of the node the edge arrives at (must exist).</summary>
    public required string To { get; init; }

    /// <summary>The edge's id, or null to generate one. Same rules as a node id.</summary>
    public string? Id { get; init; }

    /// <summary>The edge's properties, or null for none.</summary>
    public IReadOnlyDictionary<string, GraphValue>? Properties { get; init; }
}
