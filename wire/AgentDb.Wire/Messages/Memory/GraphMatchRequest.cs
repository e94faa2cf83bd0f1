using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>
/// GRAPH_MATCH request: <c>[from: WireNodeFilter, edgeType: str|nil, direction: uint, edgeProperties: map, to:
/// WireNodeFilter, limit: uint, maxVisited: uint, maxEdgesScanned: uint, withCertificate: bool]</c>: the one-edge
/// pattern <c>(a {from})-[:edgeType {edgeProperties}]->(b {to})</c> (direction 1: the edge points from b to a; 2:
/// either way).
/// </summary>
public sealed class GraphMatchRequest : IWireMessage<GraphMatchRequest>
{
    private const int FieldCount = 9;

    /// <summary>Creates the request.</summary>
    public GraphMatchRequest(
        WireNodeFilter? from = null, string? edgeType = null, WireGraphDirection direction = WireGraphDirection.Out,
        IReadOnlyDictionary<string, PropertyValue>? edgeProperties = null, WireNodeFilter? to = null, int limit = 100,
        int maxVisited = 100_000, int maxEdgesScanned = 1_000_000, bool withCertificate = false)
    {
        From = from ?? WireNodeFilter.Any;
        EdgeType = edgeType;
        Direction = direction;
        EdgeProperties = edgeProperties ?? new Dictionary<string, PropertyValue>();
        To = to ?? WireNodeFilter.Any;
        Limit = limit;
        MaxVisited = maxVisited;
        MaxEdgesScanned = maxEdgesScanned;
        WithCertificate = withCertificate;
    }

    /// <summary>Conditions on node a.</summary>
    public WireNodeFilter From { get; }

    /// <summary>The edge's type, or null for any.</summary>
    public string? EdgeType { get; }

    /// <summary>Which way the edge points.</summary>
    public WireGraphDirection Direction { get; }

    /// <summary>Properties the edge must have.</summary>
    public IReadOnlyDictionary<string, PropertyValue> EdgeProperties { get; }

    /// <summary>Conditions on node b.</summary>
    public WireNodeFilter To { get; }

    /// <summary>Most matches, 1–100,000.</summary>
    public int Limit { get; }

    /// <summary>Most nodes examined.</summary>
    public int MaxVisited { get; }

    /// <summary>Most adjacency entries read.</summary>
    public int MaxEdgesScanned { get; }

    /// <summary>Return a certificate over the matched nodes.</summary>
    public bool WithCertificate { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(FieldCount);
        From.Write(ref writer);
        Fields.WriteNullableString(ref writer, EdgeType);
        writer.Write((byte)Direction);
        MemoryFields.WriteProperties(ref writer, EdgeProperties);
        To.Write(ref writer);
        writer.Write(Limit);
        writer.Write(MaxVisited);
        writer.Write(MaxEdgesScanned);
        writer.Write(WithCertificate);
    }

    /// <inheritdoc/>
    public static GraphMatchRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, FieldCount, "GRAPH_MATCH");
        var from = WireNodeFilter.Read(ref reader, "from");
        var type = Fields.ReadNullableString(ref reader, WireLimits.MaxNameBytes, "edgeType");
        var direction = MemoryFields.ReadDirection(ref reader, "direction");
        var properties = MemoryFields.ReadProperties(ref reader, "edgeProperties");
        var to = WireNodeFilter.Read(ref reader, "to");
        var limit = MemoryFields.ReadInt32(ref reader, "limit", 1, MemoryWireLimits.MaxResults);
        var maxVisited = MemoryFields.ReadInt32(ref reader, "maxVisited", 1, MemoryWireLimits.MaxVisited);
        var maxEdges = MemoryFields.ReadInt32(ref reader, "maxEdgesScanned", 1, MemoryWireLimits.MaxEdgesScanned);
        var withCertificate = Fields.ReadBoolean(ref reader, "withCertificate");
        Fields.SkipExtraFields(ref reader, count, FieldCount);
        return new GraphMatchRequest(from, type, direction, properties, to, limit, maxVisited, maxEdges, withCertificate);
    }
}
