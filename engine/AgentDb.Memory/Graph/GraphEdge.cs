namespace AgentDb.Memory.Graph;

/// <summary>A typed, directed edge of the graph as stored. Immutable (results are shared through the query cache).</summary>
public sealed class GraphEdge
{
    internal GraphEdge(string id, string type, string from, string to, IReadOnlyDictionary<string, GraphValue> properties, long createdUnixMs)
    {
        Id = id;
        Type = type;
        From = from;
        To = to;
        Properties = properties;
        CreatedUnixMs = createdUnixMs;
    }

    /// <summary>The edge's id.</summary>
    public string Id { get; }

    /// <summary>The edge's type (for example <c>KNOWS</c>).</summary>
    public string Type { get; }

    /// <summary>The id of the node the edge leaves.</summary>
    public string From { get; }

    /// <summary>The id of the node the edge arrives at.</summary>
    public string To { get; }

    /// <summary>The edge's properties.</summary>
    public IReadOnlyDictionary<string, GraphValue> Properties { get; }

    /// <summary>When the edge was written (Unix milliseconds, UTC).</summary>
    public long CreatedUnixMs { get; }

    /// <summary>The edge as <c>(from)-[id:type]->(to)</c>, for diagnostics.</summary>
    public override string ToString() => $"({From})-[{Id}:{Type}]->({To})";
}
