using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>GRAPH_SHORTEST_PATH response: <c>[path: WireGraphPath|nil, truncated: bool, visited: uint]</c>. A nil path
/// with <c>truncated</c> false means there is no path within the depth.</summary>
public sealed class GraphShortestPathResponse : IWireMessage<GraphShortestPathResponse>
{
    /// <summary>Creates the response.</summary>
    public GraphShortestPathResponse(WireGraphPath? path, bool truncated, int visited)
    {
        Path = path;
        Truncated = truncated;
        Visited = visited;
    }

    /// <summary>A path with the fewest edges, or null.</summary>
    public WireGraphPath? Path { get; }

    /// <summary>The search ran out of budget before it could decide.</summary>
    public bool Truncated { get; }

    /// <summary>Distinct nodes discovered.</summary>
    public int Visited { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(3);
        WireGraphPath.WriteNullable(ref writer, Path);
        writer.Write(Truncated);
        writer.Write(Visited);
    }

    /// <inheritdoc/>
    public static GraphShortestPathResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 3, "GRAPH_SHORTEST_PATH response");
        var path = WireGraphPath.ReadNullable(ref reader);
        var truncated = Fields.ReadBoolean(ref reader, "truncated");
        var visited = (int)Fields.ReadUInt32(ref reader, "visited", int.MaxValue);
        Fields.SkipExtraFields(ref reader, count, 3);
        return new GraphShortestPathResponse(path, truncated, visited);
    }
}
