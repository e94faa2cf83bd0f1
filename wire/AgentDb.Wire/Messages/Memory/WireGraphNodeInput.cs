using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>A node to write: <c>[id: str|nil, labels: [str], properties: map, embeddingText: str|nil, embedding:
/// bin|nil]</c>. A nil id is generated (GRAPH_NODE_ADD only); the embedding, else the embedding text embedded by the
/// server, makes the node findable by GRAPH_NODE_SEARCH.</summary>
public sealed class WireGraphNodeInput
{
    private const int FieldCount = 5;

    /// <summary>Creates the input.</summary>
    public WireGraphNodeInput(
        string? id, IReadOnlyList<string> labels, IReadOnlyDictionary<string, PropertyValue> properties,
        string? embeddingText = null, ReadOnlyMemory<float> embedding = default)
    {
        Id = id;
        Labels = labels;
        Properties = properties;
        EmbeddingText = embeddingText;
        Embedding = embedding;
    }

    /// <summary>The id, or null to generate one.</summary>
    public string? Id { get; }

    /// <summary>The labels.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The properties.</summary>
    public IReadOnlyDictionary<string, PropertyValue> Properties { get; }

    /// <summary>A text to embed, or null.</summary>
    public string? EmbeddingText { get; }

    /// <summary>The embedding, or empty.</summary>
    public ReadOnlyMemory<float> Embedding { get; }

    internal void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(FieldCount);
        Fields.WriteNullableString(ref writer, Id);
        MemoryFields.WriteStringList(ref writer, Labels);
        MemoryFields.WriteProperties(ref writer, Properties);
        Fields.WriteNullableString(ref writer, EmbeddingText);
        Fields.WriteVector(ref writer, Embedding);
    }

    internal static WireGraphNodeInput Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, FieldCount, "node");
        var id = Fields.ReadNullableString(ref reader, WireLimits.MaxIdBytes, "node.id");
        var labels = MemoryFields.ReadStringList(ref reader, "node.labels", MemoryWireLimits.MaxListEntries, WireLimits.MaxNameBytes);
        var properties = MemoryFields.ReadProperties(ref reader, "node.properties");
        var text = Fields.ReadNullableString(ref reader, MemoryWireLimits.MaxContentBytes, "node.embeddingText");
        var embedding = Fields.ReadVector(ref reader, "node.embedding", allowNil: true);
        Fields.SkipExtraFields(ref reader, count, FieldCount);
        return new WireGraphNodeInput(id, labels, properties, text, embedding);
    }
}
