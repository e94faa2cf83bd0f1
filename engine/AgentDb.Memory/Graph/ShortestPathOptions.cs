namespace AgentDb.Memory.Graph;

/// <summary>Settings of <see cref="GraphStore.ShortestPath"/> (unweighted: fewest edges).</summary>
public sealed record ShortestPathOptions
{
    /// <summary>The longest path considered, 1 to <see cref="GraphStore.MaxTraversalDepth"/> edges (default 6).</summary>
    public int MaxDepth { get; init; } = 6;

    /// <summary>Which way edges may be walked (default <see cref="GraphDirection.Out"/>: from→to only).</summary>
    public GraphDirection Direction { get; init; } = GraphDirection.Out;

    /// <summary>Edge types that may be walked, or null (or empty) for all.</summary>
    public IReadOnlyList<string>? EdgeTypes { get; init; }

    /// <summary>The most distinct nodes discovered (both searches together) before giving up, 1 to <see cref="GraphStore.MaxVisitedLimit"/> (default 100,000).</summary>
    public int MaxVisited { get; init; } = 100_000;

    /// <summary>The most adjacency entries read before giving up, 1 to <see cref="GraphStore.MaxEdgesScannedLimit"/> (default 1,000,000).</summary>
    public int MaxEdgesScanned { get; init; } = 1_000_000;
}
