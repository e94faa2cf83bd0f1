using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>GRAPH_NODE_GET response: <c>[node: WireGraphNode]</c>.</summary>
public sealed class GraphNodeResponse : IWireMessage<GraphNodeResponse>
{
    /// <summary>Creates the response.</summary>
    public GraphNodeResponse(WireGraphNode node) => Node = node;

    /// <summary>The node.</summary>
    public WireGraphNode Node { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(1);
        Node.Write(ref writer);
    }

    /// <inheritdoc/>
    public static GraphNodeResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 1, "GRAPH_NODE_GET response");
        var node = WireGraphNode.Read(ref reader);
        Fields.SkipExtraFields(ref reader, count, 1);
        return new GraphNodeResponse(node);
    }
}
