using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>GRAPH_TRAVERSE response: <c>[nodes: [WireTraversedNode...], truncated: bool, visited: uint, certificate:
/// Certificate|nil]</c>; nodes in breadth-first order, the start excluded.</summary>
public sealed class GraphTraverseResponse : IWireMessage<GraphTraverseResponse>
{
    /// <summary>Creates the response.</summary>
    public GraphTraverseResponse(IReadOnlyList<WireTraversedNode> nodes, bool truncated, int visited, Certificate? certificate)
    {
        Nodes = nodes;
        Truncated = truncated;
        Visited = visited;
        Certificate = certificate;
    }

    /// <summary>The matching nodes, breadth-first.</summary>
    public IReadOnlyList<WireTraversedNode> Nodes { get; }

    /// <summary>The walk stopped at a limit or budget with work left.</summary>
    public bool Truncated { get; }

    /// <summary>Distinct nodes discovered, the start included.</summary>
    public int Visited { get; }

    /// <summary>The certificate, when asked for.</summary>
    public Certificate? Certificate { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(4);
        writer.WriteArrayHeader(Nodes.Count);
        for (var i = 0; i < Nodes.Count; i++)
        {
            Nodes[i].Write(ref writer);
        }
        writer.Write(Truncated);
        writer.Write(Visited);
        Certificate.WriteNullable(ref writer, Certificate);
    }

    /// <inheritdoc/>
    public static GraphTraverseResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 4, "GRAPH_TRAVERSE response");
        var entries = Fields.ReadListCount(ref reader, "nodes", MemoryWireLimits.MaxResults);
        var nodes = new WireTraversedNode[entries];
        for (var i = 0; i < entries; i++)
        {
            nodes[i] = WireTraversedNode.Read(ref reader);
        }
        var truncated = Fields.ReadBoolean(ref reader, "truncated");
        var visited = (int)Fields.ReadUInt32(ref reader, "visited", int.MaxValue);
        var certificate = Certificate.ReadNullable(ref reader);
        Fields.SkipExtraFields(ref reader, count, 4);
        return new GraphTraverseResponse(nodes, truncated, visited, certificate);
    }
}
