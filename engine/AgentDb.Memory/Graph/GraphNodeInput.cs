namespace AgentDb.Memory.Graph;

/// <summary>A node to write: <see cref="GraphStore.AddNode(GraphNodeInput)"/>, <see cref="GraphStore.UpsertNode"/>, <see cref="GraphStore.AddNodes"/>.</summary>
public sealed record GraphNodeInput
{
    /// <summary>
    /// The node's id, or null to generate one (time-ordered). At most <see cref="GraphStore.MaxIdBytes"/> UTF-8 bytes and
    /// without <c>'/'</c> (the separator of the adjacency keys).
    /// </summary>
    public string? Id { get; init; }

    /// <summary>The node's labels (duplicates are dropped); each non-empty, at most <see cref="GraphStore.MaxNameBytes"/> UTF-8 bytes, without <c>'/'</c>.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>The node's properties (string, integer, double or boolean values), or null for none.</summary>
    public IReadOnlyDictionary<string, GraphValue>? Properties { get; init; }

    /// <summary>A text to embed with the memory's embedder, making the node findable by <see cref="GraphStore.SearchNodes(ReadOnlyMemory{float}, NodeSearchOptions?)"/>. Ignored when <see cref="Embedding"/> is given.</summary>
    public string? EmbeddingText { get; init; }

    /// <summary>The node's embedding (the embedder's dimension), or empty for none (then <see cref="EmbeddingText"/> is used if given).</summary>
    public ReadOnlyMemory<float> Embedding { get; init; }
}
