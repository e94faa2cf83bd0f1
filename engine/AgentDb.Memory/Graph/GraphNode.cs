namespace AgentDb.Memory.Graph;

/// <summary>A node of the graph as stored. Immutable (results are shared through the query cache).</summary>
public sealed class GraphNode
{
    internal GraphNode(string id, IReadOnlyList<string> labels, IReadOnlyDictionary<string, GraphValue> properties, bool hasEmbedding, long createdUnixMs, long updatedUnixMs)
    {
        Id = id;
        Labels = labels;
        Properties = properties;
        HasEmbedding = hasEmbedding;
        CreatedUnixMs = createdUnixMs;
        UpdatedUnixMs = updatedUnixMs;
    }

    /// <summary>The node's id.</summary>
    public string Id { get; }

    /// <summary>The node's labels, distinct, in ordinal order.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The node's properties.</summary>
    public IReadOnlyDictionary<string, GraphValue> Properties { get; }

    /// <summary>Whether the node carries an embedding (and so can be found by <see cref="GraphStore.SearchNodes(ReadOnlyMemory{float}, NodeSearchOptions?)"/>).</summary>
    public bool HasEmbedding { get; }

    /// <summary>When the node was first written (Unix milliseconds, UTC).</summary>
    public long CreatedUnixMs { get; }

    /// <summary>When the node was last written (Unix milliseconds, UTC).</summary>
    public long UpdatedUnixMs { get; }

    /// <summary>Whether the node carries <paramref name="label"/>.</summary>
    public bool HasLabel(string label)
    {
        for (int i = 0; i < Labels.Count; i++)
        {
            if (string.Equals(Labels[i], label, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The node's id and labels, for diagnostics.</summary>
    public override string ToString() => $"({Id}:{string.Join(':', Labels)})";
}
