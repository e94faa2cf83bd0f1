namespace AgentDb.Memory.Graph;

/// <summary>Settings of <see cref="GraphStore.Traverse"/>: a breadth-first walk from a start node, bounded in depth and work.</summary>
public sealed record TraversalOptions
{
    /// <summary>The deepest level reached, 1 to <see cref="GraphStore.MaxTraversalDepth"/> (default 2).</summary>
    public int MaxDepth { get; init; } = 2;

    /// <summary>Which edges to follow from each node (default <see cref="GraphDirection.Out"/>).</summary>
    public GraphDirection Direction { get; init; } = GraphDirection.Out;

    /// <summary>Edge types to follow, or null (or empty) for all.</summary>
    public IReadOnlyList<string>? EdgeTypes { get; init; }

    /// <summary>Conditions a node must meet to be returned (default: none).</summary>
    public GraphNodeFilter NodeFilter { get; init; } = GraphNodeFilter.Any;

    /// <summary>
    /// False (default): the walk passes through nodes that do not match <see cref="NodeFilter"/> (they are only left out
    /// of the result). True: it does not expand them either.
    /// </summary>
    public bool ExpandOnlyMatching { get; init; }

    /// <summary>The most nodes returned, 1 to <see cref="GraphStore.MaxLimit"/> (default 100).</summary>
    public int Limit { get; init; } = 100;

    /// <summary>The most distinct nodes discovered (the start included) before the walk stops, 1 to <see cref="GraphStore.MaxVisitedLimit"/> (default 10,000).</summary>
    public int MaxVisited { get; init; } = 10_000;

    /// <summary>The most adjacency entries read before the walk stops, 1 to <see cref="GraphStore.MaxEdgesScannedLimit"/> (default 100,000).</summary>
    public int MaxEdgesScanned { get; init; } = 100_000;

    /// <summary>Return each node's path from the start (default false).</summary>
    public bool IncludePaths { get; init; }

    /// <summary>Attach a <see cref="Provenance.RecallCertificate"/> over the returned nodes (default false).</summary>
    public bool WithCertificate { get; init; }
}
