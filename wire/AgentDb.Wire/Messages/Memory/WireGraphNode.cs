using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>A graph node as stored: <c>[id: str, labels: [str], properties: map str → str|int|float|bool,
/// hasEmbedding: bool, createdUnixMs: int, updatedUnixMs: int]</c>.</summary>
public sealed class WireGraphNode
{
    private const int FieldCount = 6;

    /// <summary>Creates a node.</summary>
    public WireGraphNode(
        string id, IReadOnlyList<string> labels, IReadOnlyDictionary<string, PropertyValue> properties, bool hasEmbedding,
        long createdUnixMs, long updatedUnixMs)
    {
        Id = id;
        Labels = labels;
        Properties = properties;
        HasEmbedding = hasEmbedding;
        CreatedUnixMs = createdUnixMs;
        UpdatedUnixMs = updatedUnixMs;
    }

    /// <summary>The node's id.</summary>
    public string Id { get; }

    /// <summary>Its labels, in ordinal order.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Its properties.</summary>
    public IReadOnlyDictionary<string, PropertyValue> Properties { get; }

    /// <summary>Whether it carries an embedding.</summary>
    public bool HasEmbedding { get; }

    /// <summary>When first written, Unix ms.</summary>
    public long CreatedUnixMs { get; }

    /// <summary>When last written, Unix ms.</summary>
    public long UpdatedUnixMs { get; }

    internal void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(FieldCount);
        writer.Write(Id);
        MemoryFields.WriteStringList(ref writer, Labels);
        MemoryFields.WriteProperties(ref writer, Properties);
        writer.Write(HasEmbedding);
        writer.Write(CreatedUnixMs);
        writer.Write(UpdatedUnixMs);
    }

    internal static WireGraphNode Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, FieldCount, "node");
        var id = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "node.id");
        var labels = MemoryFields.ReadStringList(ref reader, "node.labels", MemoryWireLimits.MaxListEntries, WireLimits.MaxNameBytes);
        var properties = MemoryFields.ReadProperties(ref reader, "node.properties");
        var hasEmbedding = Fields.ReadBoolean(ref reader, "node.hasEmbedding");
        var created = Fields.ReadInt64(ref reader, "node.createdUnixMs");
        var updated = Fields.ReadInt64(ref reader, "node.updatedUnixMs");
        Fields.SkipExtraFields(ref reader, count, FieldCount);
        return new WireGraphNode(id, labels, properties, hasEmbedding, created, updated);
    }
}
