using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>
/// GRAPH_TRAVERSE request: <c>[startId: str, maxDepth: uint, direction: uint, edgeTypes: [str], nodeFilter:
/// WireNodeFilter, expandOnlyMatching: bool, limit: uint, maxVisited: uint, maxEdgesScanned: uint, includePaths: bool,
/// withCertificate: bool]</c>: a breadth-first walk from the start node, bounded in depth (1–32) and work.
/// NOT_FOUND when the start node does not exist.
/// </summary>
public sealed class GraphTraverseRequest : IWireMessage<GraphTraverseRequest>
{
    private const int FieldCount = 11;

    /// <summary>Creates the request.</summary>
    public GraphTraverseRequest(
        string startId, int maxDepth = 2, WireGraphDirection direction = WireGraphDirection.Out, IReadOnlyList<string>? edgeTypes = null,
        WireNodeFilter? nodeFilter = null, bool expandOnlyMatching = false, int limit = 100, int maxVisited = 10_000,
        int maxEdgesScanned = 100_000, bool includePaths = false, bool withCertificate = false)
    {
        StartId = startId;
        MaxDepth = maxDepth;
        Direction = direction;
        EdgeTypes = edgeTypes ?? [];
        NodeFilter = nodeFilter ?? WireNodeFilter.Any;
        ExpandOnlyMatching = expandOnlyMatching;
        Limit = limit;
        MaxVisited = maxVisited;
        MaxEdgesScanned = maxEdgesScanned;
        IncludePaths = includePaths;
        WithCertificate = withCertificate;
    }

    /// <summary>The start node.</summary>
    public string StartId { get; }

    /// <summary>The deepest level reached, 1–32.</summary>
    public int MaxDepth { get; }

    /// <summary>Which edges to follow.</summary>
    public WireGraphDirection Direction { get; }

    /// <summary>Edge types to follow; empty for all.</summary>
    public IReadOnlyList<string> EdgeTypes { get; }

    /// <summary>Conditions a node must meet to be returned.</summary>
    public WireNodeFilter NodeFilter { get; }

    /// <summary>Do not expand nodes that fail the filter.</summary>
    public bool ExpandOnlyMatching { get; }

    /// <summary>Most nodes returned, 1–100,000.</summary>
    public int Limit { get; }

    /// <summary>Most distinct nodes discovered, 1–1,000,000.</summary>
    public int MaxVisited { get; }

    /// <summary>Most adjacency entries read, 1–10,000,000.</summary>
    public int MaxEdgesScanned { get; }

    /// <summary>Return each node's path from the start.</summary>
    public bool IncludePaths { get; }

    /// <summary>Return a certificate over the returned nodes.</summary>
    public bool WithCertificate { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(FieldCount);
        writer.Write(StartId);
        writer.Write(MaxDepth);
        writer.Write((byte)Direction);
        MemoryFields.WriteStringList(ref writer, EdgeTypes);
        NodeFilter.Write(ref writer);
        writer.Write(ExpandOnlyMatching);
        writer.Write(Limit);
        writer.Write(MaxVisited);
        writer.Write(MaxEdgesScanned);
        writer.Write(IncludePaths);
        writer.Write(WithCertificate);
    }

    /// <inheritdoc/>
    public static GraphTraverseRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, FieldCount, "GRAPH_TRAVERSE");
        var start = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "startId");
        var maxDepth = MemoryFields.ReadInt32(ref reader, "maxDepth", 1, MemoryWireLimits.MaxGraphDepth);
        var direction = MemoryFields.ReadDirection(ref reader, "direction");
        var types = MemoryFields.ReadStringList(ref reader, "edgeTypes", MemoryWireLimits.MaxListEntries, WireLimits.MaxNameBytes);
        var filter = WireNodeFilter.Read(ref reader, "nodeFilter");
        var expandOnlyMatching = Fields.ReadBoolean(ref reader, "expandOnlyMatching");
        var limit = MemoryFields.ReadInt32(ref reader, "limit", 1, MemoryWireLimits.MaxResults);
        var maxVisited = MemoryFields.ReadInt32(ref reader, "maxVisited", 1, MemoryWireLimits.MaxVisited);
        var maxEdges = MemoryFields.ReadInt32(ref reader, "maxEdgesScanned", 1, MemoryWireLimits.MaxEdgesScanned);
        var includePaths = Fields.ReadBoolean(ref reader, "includePaths");
        var withCertificate = Fields.ReadBoolean(ref reader, "withCertificate");
        Fields.SkipExtraFields(ref reader, count, FieldCount);
        return new GraphTraverseRequest(start, maxDepth, direction, types, filter, expandOnlyMatching, limit, maxVisited, maxEdges, includePaths, withCertificate);
    }
}
