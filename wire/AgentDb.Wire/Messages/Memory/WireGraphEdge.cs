using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>A graph edge as stored: <c>[id: str, type: str, from: str, to: str, properties: map, createdUnixMs:
/// int]</c>.</summary>
public sealed class WireGraphEdge
{
    private const int FieldCount = 6;

    /// <summary>Creates an edge.</summary>
    public WireGraphEdge(string id, string type, string from, string to, IReadOnlyDictionary<string, PropertyValue> properties, long createdUnixMs)
    {
        Id = id;
        Type = type;
        From = from;
        To = to;
        Properties = properties;
        CreatedUnixMs = createdUnixMs;
    }

    /// <summary>The edge's id.</summary>
    public string Id { get; }

    /// <summary>Its type.</summary>
    public string Type { get; }

    /// <summary>The node it leaves.</summary>
    public string From { get; }

    /// <summary>The node it arrives at.</summary>
    public string To { get; }

    /// <summary>Its properties.</summary>
    public IReadOnlyDictionary<string, PropertyValue> Properties { get; }

    /// <summary>When written, Unix ms.</summary>
    public long CreatedUnixMs { get; }

    internal void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(FieldCount);
        writer.Write(Id);
        writer.Write(Type);
        writer.Write(From);
        writer.Write(To);
        MemoryFields.WriteProperties(ref writer, Properties);
        writer.Write(CreatedUnixMs);
    }

    internal static WireGraphEdge Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, FieldCount, "edge");
        var id = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "edge.id");
        var type = Fields.ReadString(ref reader, WireLimits.MaxNameBytes, "edge.type");
        var from = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "edge.from");
        var to = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "edge.to");
        var properties = MemoryFields.ReadProperties(ref reader, "edge.properties");
        var created = Fields.ReadInt64(ref reader, "edge.createdUnixMs");
        Fields.SkipExtraFields(ref reader, count, FieldCount);
        return new WireGraphEdge(id, type, from, to, properties, created);
    }
}
