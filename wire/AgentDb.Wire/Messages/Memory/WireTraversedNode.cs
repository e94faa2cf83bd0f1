using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>A node reached by a traversal: <c>[node: WireGraphNode, depth: uint, path: WireGraphPath|nil]</c>.</summary>
public sealed class WireTraversedNode
{
    /// <summary>Creates the entry.</summary>
    public WireTraversedNode(WireGraphNode node, int depth, WireGraphPath? path)
    {
        Node = node;
        Depth = depth;
        Path = path;
    }

    /// <summary>The node.</summary>
    public WireGraphNode Node { get; }

    /// <summary>Its distance from the start in edges.</summary>
    public int Depth { get; }

    /// <summary>The path that reached it, when asked for.</summary>
    public WireGraphPath? Path { get; }

    internal void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(3);
        Node.Write(ref writer);
        writer.Write(Depth);
        WireGraphPath.WriteNullable(ref writer, Path);
    }

    internal static WireTraversedNode Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 3, "traversed node");
        var node = WireGraphNode.Read(ref reader);
        var depth = (int)Fields.ReadUInt32(ref reader, "traversed.depth", int.MaxValue);
        var path = WireGraphPath.ReadNullable(ref reader);
        Fields.SkipExtraFields(ref reader, count, 3);
        return new WireTraversedNode(node, depth, path);
    }
}
