using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>Conditions on a node, all of which must hold: <c>[labels: [str], properties: map]</c>. Empty both: any
/// node.</summary>
public sealed class WireNodeFilter
{
    /// <summary>Creates a filter.</summary>
    public WireNodeFilter(IReadOnlyList<string> labels, IReadOnlyDictionary<string, PropertyValue> properties)
    {
        Labels = labels;
        Properties = properties;
    }

    /// <summary>A filter every node passes.</summary>
    public static WireNodeFilter Any { get; } = new([], new Dictionary<string, PropertyValue>());

    /// <summary>Labels the node must all carry.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Properties the node must have with equal values.</summary>
    public IReadOnlyDictionary<string, PropertyValue> Properties { get; }

    internal void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(2);
        MemoryFields.WriteStringList(ref writer, Labels);
        MemoryFields.WriteProperties(ref writer, Properties);
    }

    internal static WireNodeFilter Read(ref MessagePackReader reader, string field)
    {
        var count = Fields.ReadFieldCount(ref reader, 2, field);
        var labels = MemoryFields.ReadStringList(ref reader, $"{field}.labels", MemoryWireLimits.MaxListEntries, WireLimits.MaxNameBytes);
        var properties = MemoryFields.ReadProperties(ref reader, $"{field}.properties");
        Fields.SkipExtraFields(ref reader, count, 2);
        return new WireNodeFilter(labels, properties);
    }
}
