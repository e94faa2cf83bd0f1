using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>GRAPH_EDGE_GET response: <c>[edge: WireGraphEdge]</c>.</summary>
public sealed class GraphEdgeResponse : IWireMessage<GraphEdgeResponse>
{
    /// <summary>Creates the response.</summary>
    public GraphEdgeResponse(WireGraphEdge edge) => Edge = edge;

    /// <summary>The edge.</summary>
    public WireGraphEdge Edge { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(1);
        Edge.Write(ref writer);
    }

    /// <inheritdoc/>
    public static GraphEdgeResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 1, "GRAPH_EDGE_GET response");
        var edge = WireGraphEdge.Read(ref reader);
        Fields.SkipExtraFields(ref reader, count, 1);
        return new GraphEdgeResponse(edge);
    }
}
