using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>One match of a one-edge pattern: <c>[a: WireGraphNode, edge: WireGraphEdge, b: WireGraphNode]</c>.</summary>
public sealed class WirePatternMatch
{
    /// <summary>Creates a match.</summary>
    public WirePatternMatch(WireGraphNode a, WireGraphEdge edge, WireGraphNode b)
    {
        A = a;
        Edge = edge;
        B = b;
    }

    /// <summary>The node bound to the pattern's first node.</summary>
    public WireGraphNode A { get; }

    /// <summary>The edge (its from/to tell the actual direction).</summary>
    public WireGraphEdge Edge { get; }

    /// <summary>The node bound to the pattern's second node.</summary>
    public WireGraphNode B { get; }

    internal void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(3);
        A.Write(ref writer);
        Edge.Write(ref writer);
        B.Write(ref writer);
    }

    internal static WirePatternMatch Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 3, "pattern match");
        var a = WireGraphNode.Read(ref reader);
        var edge = WireGraphEdge.Read(ref reader);
        var b = WireGraphNode.Read(ref reader);
        Fields.SkipExtraFields(ref reader, count, 3);
        return new WirePatternMatch(a, edge, b);
    }
}
