using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>An edge to write: <c>[from: str, type: str, to: str, id: str|nil, properties: map]</c>. Both end nodes must
/// exist (NOT_FOUND otherwise); a nil id is generated.</summary>
public sealed class WireGraphEdgeInput
{
    private const int FieldCount = 5;

    /// <summary>Creates the input.</summary>
    public WireGraphEdgeInput(string from, string type, string to, string? id, IReadOnlyDictionary<string, PropertyValue> properties)
    {
        From = from;
        Type = type;
        To = to;
        Id = id;
        Properties = properties;
    }

    /// <summary>The node the edge leaves.</summary>
    public string From { get; }

    /// <summary>The edge's type.</summary>
    public string Type { get; }

    /// <summary>The node the edge arrives at.</summary>
    public string To { get; }

    /// <summary>The id, or null to generate one.</summary>
    public string? Id { get; }

    /// <summary>The properties.</summary>
    public IReadOnlyDictionary<string, PropertyValue> Properties { get; }

    internal void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(FieldCount);
        writer.Write(From);
        writer.Write(Type);
        writer.Write(To);
        Fields.WriteNullableString(ref writer, Id);
        MemoryFields.WriteProperties(ref writer, Properties);
    }

    internal static WireGraphEdgeInput Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, FieldCount, "edge");
        var from = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "edge.from");
        var type = Fields.ReadString(ref reader, WireLimits.MaxNameBytes, "edge.type");
        var to = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "edge.to");
        var id = Fields.ReadNullableString(ref reader, WireLimits.MaxIdBytes, "edge.id");
        var properties = MemoryFields.ReadProperties(ref reader, "edge.properties");
        Fields.SkipExtraFields(ref reader, count, FieldCount);
        return new WireGraphEdgeInput(from, type, to, id, properties);
    }
}
