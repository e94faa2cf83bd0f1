using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>GRAPH_NODE_ADD and GRAPH_NODE_UPSERT request: <c>[node: WireGraphNodeInput]</c>; the response is the node's
/// id (<see cref="MemoryIdResponse"/>). ADD of an existing id is BAD_REQUEST; UPSERT needs an id and replaces the node.</summary>
public sealed class GraphNodeWriteRequest : IWireMessage<GraphNodeWriteRequest>
{
    /// <summary>Creates the request.</summary>
    public GraphNodeWriteRequest(WireGraphNodeInput node) => Node = node;

    /// <summary>The node.</summary>
    public WireGraphNodeInput Node { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(1);
        Node.Write(ref writer);
    }

    /// <inheritdoc/>
    public static GraphNodeWriteRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 1, "GRAPH_NODE_ADD");
        var node = WireGraphNodeInput.Read(ref reader);
        Fields.SkipExtraFields(ref reader, count, 1);
        return new GraphNodeWriteRequest(node);
    }
}
