using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>One neighbour of a node: <c>[edge: WireGraphEdge, node: WireGraphNode, direction: uint]</c>; direction 0
/// when the edge leaves the queried node, 1 when it arrives.</summary>
public sealed class WireGraphNeighbor
{
    /// <summary>Creates a neighbour.</summary>
    public WireGraphNeighbor(WireGraphEdge edge, WireGraphNode node, WireGraphDirection direction)
    {
        Edge = edge;
        Node = node;
        Direction = direction;
    }

    /// <summary>The edge linking the two.</summary>
    public WireGraphEdge Edge { get; }

    /// <summary>The node at the edge's other end.</summary>
    public WireGraphNode Node { get; }

    /// <summary>Which way the edge points, seen from the queried node.</summary>
    public WireGraphDirection Direction { get; }

    internal void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(3);
        Edge.Write(ref writer);
        Node.Write(ref writer);
        writer.Write((byte)Direction);
    }

    internal static WireGraphNeighbor Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 3, "neighbor");
        var edge = WireGraphEdge.Read(ref reader);
        var node = WireGraphNode.Read(ref reader);
        var direction = MemoryFields.ReadDirection(ref reader, "neighbor.direction");
        Fields.SkipExtraFields(ref reader, count, 3);
        return new WireGraphNeighbor(edge, node, direction);
    }
}
