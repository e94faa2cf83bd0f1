namespace AgentDb.Memory.Graph;

/// <summary>
/// A one-edge pattern for <see cref="GraphStore.Match"/>: <c>(a:LabelA {prop: value})-[:TYPE {prop: value}]->(b:LabelB {prop: value})</c>.
/// The search starts from the label index of <see cref="From"/>'s first label, else of <see cref="To"/>'s, else (no label
/// anywhere) from a scan of every node, bounded by <see cref="MatchOptions.MaxVisited"/>.
/// </summary>
public sealed record GraphPattern
{
    /// <summary>Conditions on the pattern's first node <c>a</c> (default: none).</summary>
    public GraphNodeFilter From { get; init; } = GraphNodeFilter.Any;

    /// <summary>The edge's type, or null for any.</summary>
    public string? EdgeType { get; init; }

    /// <summary>
    /// Which way the edge points: <see cref="GraphDirection.Out"/> (default) <c>(a)-[]->(b)</c>, <see cref="GraphDirection.In"/>
    /// <c>(a)&lt;-[]-(b)</c>, <see cref="GraphDirection.Both"/> either.
    /// </summary>
    public GraphDirection Direction { get; init; } = GraphDirection.Out;

    /// <summary>Properties the edge must have with equal values, or null.</summary>
    public IReadOnlyDictionary<string, GraphValue>? EdgeProperties { get; init; }

    /// <summary>Conditions on the pattern's second node <c>b</c> (default: none).</summary>
    public GraphNodeFilter To { get; init; } = GraphNodeFilter.Any;
}
