using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>GRAPH_SHORTEST_PATH request: <c>[fromId: str, toId: str, maxDepth: uint, direction: uint, edgeTypes: [str],
/// maxVisited: uint, maxEdgesScanned: uint]</c>: a path with the fewest edges (at most maxDepth, 1–32). NOT_FOUND when
/// an end node does not exist.</summary>
public sealed class GraphShortestPathRequest : IWireMessage<GraphShortestPathRequest>
{
    private const int FieldCount = 7;

    /// <summary>Creates the request.</summary>
    public GraphShortestPathRequest(
        string fromId, string toId, int maxDepth = 6, WireGraphDirection direction = WireGraphDirection.Out,
        IReadOnlyList<string>? edgeTypes = null, int maxVisited = 100_000, int maxEdgesScanned = 1_000_000)
    {
        FromId = fromId;
        ToId = toId;
        MaxDepth = maxDepth;
        Direction = direction;
        EdgeTypes = edgeTypes ?? [];
        MaxVisited = maxVisited;
        MaxEdgesScanned = maxEdgesScanned;
    }

    /// <summary>The start node.</summary>
    public string FromId { get; }

    /// <summary>The end node.</summary>
    public string ToId { get; }

    /// <summary>The longest path considered, 1–32 edges.</summary>
    public int MaxDepth { get; }

    /// <summary>Which way edges may be walked.</summary>
    public WireGraphDirection Direction { get; }

    /// <summary>Edge types that may be walked; empty for all.</summary>
    public IReadOnlyList<string> EdgeTypes { get; }

    /// <summary>Most distinct nodes discovered.</summary>
    public int MaxVisited { get; }

    /// <summary>Most adjacency entries read.</summary>
    public int MaxEdgesScanned { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(FieldCount);
        writer.Write(FromId);
        writer.Write(ToId);
        writer.Write(MaxDepth);
        writer.Write((byte)Direction);
        MemoryFields.WriteStringList(ref writer, EdgeTypes);
        writer.Write(MaxVisited);
        writer.Write(MaxEdgesScanned);
    }

    /// <inheritdoc/>
    public static GraphShortestPathRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, FieldCount, "GRAPH_SHORTEST_PATH");
        var from = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "fromId");
        var to = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "toId");
        var maxDepth = MemoryFields.ReadInt32(ref reader, "maxDepth", 1, MemoryWireLimits.MaxGraphDepth);
        var direction = MemoryFields.ReadDirection(ref reader, "direction");
        var types = MemoryFields.ReadStringList(ref reader, "edgeTypes", MemoryWireLimits.MaxListEntries, WireLimits.MaxNameBytes);
        var maxVisited = MemoryFields.ReadInt32(ref reader, "maxVisited", 1, MemoryWireLimits.MaxVisited);
        var maxEdges = MemoryFields.ReadInt32(ref reader, "maxEdgesScanned", 1, MemoryWireLimits.MaxEdgesScanned);
        Fields.SkipExtraFields(ref reader, count, FieldCount);
        return new GraphShortestPathRequest(from, to, maxDepth, direction, types, maxVisited, maxEdges);
    }
}
