namespace AgentDb.Memory.Graph;

/// <summary>Settings of <see cref="GraphStore.SearchNodes(ReadOnlyMemory{float}, NodeSearchOptions?)"/>.</summary>
public sealed record NodeSearchOptions
{
    /// <summary>How many nodes to return, 1 to <see cref="AgentDatabase.MaxSearchResults"/> (default 10).</summary>
    public int K { get; init; } = 10;

    /// <summary>Conditions the returned nodes must meet (default: none).</summary>
    public GraphNodeFilter Filter { get; init; } = GraphNodeFilter.Any;

    /// <summary>Attach a <see cref="Provenance.RecallCertificate"/> over the returned nodes (default false).</summary>
    public bool WithCertificate { get; init; }
}
