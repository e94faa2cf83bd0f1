namespace AgentDb.Memory.Graph;

/// <summary>One adjacency record read from a node's side: the edge's id, type and ends, which way it points from that node, and the record (properties).</summary>
internal readonly struct AdjacencyEntry
{
    public AdjacencyEntry(string edgeId, string type, string from, string to, GraphDirection direction, StoredRecord record)
    {
        EdgeId = edgeId;
        Type = type;
        From = from;
        To = to;
        Direction = direction;
        Record = record;
    }

    public string EdgeId { get; }

    public string Type { get; }

    public string From { get; }

    public string To { get; }

    /// <summary><see cref="GraphDirection.Out"/> when read from <see cref="From"/>'s side, <see cref="GraphDirection.In"/> from <see cref="To"/>'s.</summary>
    public GraphDirection Direction { get; }

    public StoredRecord Record { get; }

    /// <summary>The node at the far end from the side it was read on.</summary>
    public string Other => Direction == GraphDirection.Out ? To : From;

    public GraphEdge ToEdge() => new(EdgeId, Type, From, To, GraphCodec.DecodeProperties(Record), Record.CreatedUnixMs);
}
