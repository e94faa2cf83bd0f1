using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>GRAPH_EDGE_ADD request: <c>[edge: WireGraphEdgeInput]</c>; the response is the edge's id
/// (<see cref="MemoryIdResponse"/>). NOT_FOUND when an end node does not exist.</summary>
public sealed class GraphEdgeAddRequest : IWireMessage<GraphEdgeAddRequest>
{
    /// <summary>Creates the request.</summary>
    public GraphEdgeAddRequest(WireGraphEdgeInput edge) => Edge = edge;

    /// <summary>The edge.</summary>
    public WireGraphEdgeInput Edge { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(1);
        Edge.Write(ref writer);
    }

    /// <inheritdoc/>
    public static GraphEdgeAddRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 1, "GRAPH_EDGE_ADD");
        var edge = WireGraphEdgeInput.Read(ref reader);
        Fields.SkipExtraFields(ref reader, count, 1);
        return new GraphEdgeAddRequest(edge);
    }
}
