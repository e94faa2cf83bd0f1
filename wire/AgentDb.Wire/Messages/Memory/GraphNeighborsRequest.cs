using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>GRAPH_NEIGHBORS request: <c>[nodeId: str, direction: uint, edgeTypes: [str], limit: uint]</c>; direction 0
/// out, 1 in, 2 both; empty edgeTypes: all. NOT_FOUND when the node does not exist.</summary>
public sealed class GraphNeighborsRequest : IWireMessage<GraphNeighborsRequest>
{
    /// <summary>Creates the request.</summary>
    public GraphNeighborsRequest(string nodeId, WireGraphDirection direction = WireGraphDirection.Out, IReadOnlyList<string>? edgeTypes = null, int limit = 100)
    {
        NodeId = nodeId;
        Direction = direction;
        EdgeTypes = edgeTypes ?? [];
        Limit = limit;
    }

    /// <summary>The node.</summary>
    public string NodeId { get; }

    /// <summary>Which edges to follow.</summary>
    public WireGraphDirection Direction { get; }

    /// <summary>Edge types to follow; empty for all.</summary>
    public IReadOnlyList<string> EdgeTypes { get; }

    /// <summary>Most neighbours, 1–100,000.</summary>
    public int Limit { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(4);
        writer.Write(NodeId);
        writer.Write((byte)Direction);
        MemoryFields.WriteStringList(ref writer, EdgeTypes);
        writer.Write(Limit);
    }

    /// <inheritdoc/>
    public static GraphNeighborsRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 4, "GRAPH_NEIGHBORS");
        var id = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "nodeId");
        var direction = MemoryFields.ReadDirection(ref reader, "direction");
        var types = MemoryFields.ReadStringList(ref reader, "edgeTypes", MemoryWireLimits.MaxListEntries, WireLimits.MaxNameBytes);
        var limit = MemoryFields.ReadInt32(ref reader, "limit", 1, MemoryWireLimits.MaxResults);
        Fields.SkipExtraFields(ref reader, count, 4);
        return new GraphNeighborsRequest(id, direction, types, limit);
    }
}
