using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>A node found by similarity: <c>[node: WireGraphNode, distance: float32]</c>.</summary>
public sealed class WireNodeSearchHit
{
    /// <summary>Creates a hit.</summary>
    public WireNodeSearchHit(WireGraphNode node, float distance)
    {
        Node = node;
        Distance = distance;
    }

    /// <summary>The node.</summary>
    public WireGraphNode Node { get; }

    /// <summary>Cosine distance between the query and the node's embedding.</summary>
    public float Distance { get; }

    internal void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(2);
        Node.Write(ref writer);
        writer.Write(Distance);
    }

    internal static WireNodeSearchHit Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 2, "node hit");
        var node = WireGraphNode.Read(ref reader);
        var distance = Fields.ReadSingle(ref reader, "hit.distance");
        Fields.SkipExtraFields(ref reader, count, 2);
        return new WireNodeSearchHit(node, distance);
    }
}
