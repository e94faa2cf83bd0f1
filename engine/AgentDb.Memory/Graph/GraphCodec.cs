using System.Buffers;
using System.Collections.ObjectModel;
using System.Text;
using MessagePack;

namespace AgentDb.Memory.Graph;

/// <summary>
/// The payloads of the graph's records, MessagePack maps with string keys so the engine's payload filter can read them:
/// a node <c>{"labels": [..], "p.{name}": value, ..}</c>, an edge <c>{"type", "from", "to", "p.{name}": value, ..}</c>,
/// an adjacency record <c>{"p.{name}": value, ..}</c> (the edge's properties). Properties sit at the top level under a
/// <c>p.</c> prefix so string properties are filterable by the engine and never collide with the reserved keys. Unknown
/// keys are skipped when reading.
/// </summary>
internal static class GraphCodec
{
    public const string LabelsKey = "labels";
    public const string PropertyPrefix = "p.";

    private static readonly IReadOnlyDictionary<string, GraphValue> s_noProperties = new ReadOnlyDictionary<string, GraphValue>(new Dictionary<string, GraphValue>());
    private static readonly IReadOnlyList<string> s_noLabels = Array.AsReadOnly(Array.Empty<string>());

    public static IReadOnlyDictionary<string, GraphValue> NoProperties => s_noProperties;

    /// <summary>Checks caller properties.</summary>
    /// <exception cref="ArgumentException">Too many, an empty or too long name, or an unset value.</exception>
    public static void ValidateProperties(IReadOnlyDictionary<string, GraphValue>? properties, string parameterName)
    {
        if (properties is null)
        {
            return;
        }

        if (properties.Count > GraphStore.MaxProperties)
        {
            throw new ArgumentException($"At most {GraphStore.MaxProperties} properties are allowed, not {properties.Count}.", parameterName);
        }

        foreach (KeyValuePair<string, GraphValue> property in properties)
        {
            if (string.IsNullOrEmpty(property.Key) || property.Key.Length > GraphStore.MaxPropertyNameLength)
            {
                throw new ArgumentException($"A property name must be 1 to {GraphStore.MaxPropertyNameLength} characters long.", parameterName);
            }

            if (property.Value.Kind == GraphValueKind.None)
            {
                throw new ArgumentException($"The property '{property.Key}' has no value (default GraphValue).", parameterName);
            }
        }
    }

    /// <summary>Validates, de-duplicates and sorts (ordinal) labels.</summary>
    /// <exception cref="ArgumentException">A label is invalid, or there are too many.</exception>
    public static string[] NormalizeLabels(IReadOnlyList<string>? labels, string parameterName)
    {
        if (labels is null || labels.Count == 0)
        {
            return [];
        }

        if (labels.Count > GraphStore.MaxLabels)
        {
            throw new ArgumentException($"A node may carry at most {GraphStore.MaxLabels} labels, not {labels.Count}.", parameterName);
        }

        var sorted = new string[labels.Count];
        for (int i = 0; i < sorted.Length; i++)
        {
            GraphKeys.ValidateName(labels[i], "label", parameterName);
            sorted[i] = labels[i];
        }

        Array.Sort(sorted, StringComparer.Ordinal);
        int distinct = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            if (distinct == 0 || !string.Equals(sorted[distinct - 1], sorted[i], StringComparison.Ordinal))
            {
                sorted[distinct++] = sorted[i];
            }
        }

        return distinct == sorted.Length ? sorted : sorted[..distinct];
    }

    public static byte[] EncodeNode(string[] labels, IReadOnlyDictionary<string, GraphValue>? properties)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(1 + (properties?.Count ?? 0));
        writer.Write(LabelsKey);
        writer.WriteArrayHeader(labels.Length);
        foreach (string label in labels)
        {
            writer.Write(label);
        }

        WriteProperties(ref writer, properties);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] EncodeEdge(string type, string from, string to, IReadOnlyDictionary<string, GraphValue>? properties)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(3 + (properties?.Count ?? 0));
        writer.Write("type");
        writer.Write(type);
        writer.Write("from");
        writer.Write(from);
        writer.Write("to");
        writer.Write(to);
        WriteProperties(ref writer, properties);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] EncodeProperties(IReadOnlyDictionary<string, GraphValue>? properties)
    {
        if (properties is null || properties.Count == 0)
        {
            return [0x80]; // an empty map
        }

        var buffer = new ArrayBufferWriter<byte>(64);
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(properties.Count);
        WriteProperties(ref writer, properties);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes a node record.</summary>
    /// <exception cref="InvalidDataException">The payload is not a node.</exception>
    public static GraphNode DecodeNode(StoredRecord record)
    {
        IReadOnlyList<string> labels = s_noLabels;
        Dictionary<string, GraphValue>? properties = null;
        try
        {
            var reader = new MessagePackReader(record.Payload);
            int entries = reader.ReadMapHeader();
            for (int e = 0; e < entries; e++)
            {
                // Keys compared as UTF-8 spans: only property names become strings.
                ReadOnlySpan<byte> key = ReadKey(ref reader);
                if (key.SequenceEqual("labels"u8))
                {
                    int count = reader.ReadArrayHeader();
                    var array = new string[count];
                    for (int i = 0; i < count; i++)
                    {
                        array[i] = reader.ReadString() ?? throw new InvalidDataException("A label is nil.");
                    }

                    labels = Array.AsReadOnly(array);
                }
                else if (key.StartsWith("p."u8))
                {
                    properties ??= new Dictionary<string, GraphValue>(StringComparer.Ordinal);
                    properties[Encoding.UTF8.GetString(key[2..])] = ReadValue(ref reader);
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or InvalidDataException)
        {
            throw new InvalidDataException($"The graph node record '{record.Id}' is malformed: {e.Message}", e);
        }

        return new GraphNode(record.Id, labels, Wrap(properties), record.Vector is not null, record.CreatedUnixMs, record.UpdatedUnixMs);
    }

    /// <summary>Reads only the labels of a node record.</summary>
    /// <exception cref="InvalidDataException">The payload is not a node.</exception>
    public static IReadOnlyList<string> DecodeLabels(StoredRecord record) => DecodeNode(record).Labels;

    /// <summary>Decodes an edge record.</summary>
    /// <exception cref="InvalidDataException">The payload is not an edge.</exception>
    public static GraphEdge DecodeEdge(StoredRecord record)
    {
        string? type = null, from = null, to = null;
        Dictionary<string, GraphValue>? properties = null;
        try
        {
            var reader = new MessagePackReader(record.Payload);
            int entries = reader.ReadMapHeader();
            for (int e = 0; e < entries; e++)
            {
                string key = reader.ReadString() ?? string.Empty;
                switch (key)
                {
                    case "type":
                        type = reader.ReadString();
                        break;
                    case "from":
                        from = reader.ReadString();
                        break;
                    case "to":
                        to = reader.ReadString();
                        break;
                    default:
                        if (key.StartsWith(PropertyPrefix, StringComparison.Ordinal))
                        {
                            properties ??= new Dictionary<string, GraphValue>(StringComparer.Ordinal);
                            properties[key[PropertyPrefix.Length..]] = ReadValue(ref reader);
                        }
                        else
                        {
                            reader.Skip();
                        }

                        break;
                }
            }
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or InvalidDataException)
        {
            throw new InvalidDataException($"The graph edge record '{record.Id}' is malformed: {e.Message}", e);
        }

        if (type is null || from is null || to is null)
        {
            throw new InvalidDataException($"The graph edge record '{record.Id}' lacks its type, from or to.");
        }

        return new GraphEdge(record.Id, type, from, to, Wrap(properties), record.CreatedUnixMs);
    }

    /// <summary>Decodes the properties of an adjacency record.</summary>
    /// <exception cref="InvalidDataException">The payload is not a map of properties.</exception>
    public static IReadOnlyDictionary<string, GraphValue> DecodeProperties(StoredRecord record)
    {
        if (record.Payload.Length == 1 && record.Payload[0] == 0x80)
        {
            return s_noProperties;
        }

        Dictionary<string, GraphValue>? properties = null;
        try
        {
            var reader = new MessagePackReader(record.Payload);
            int entries = reader.ReadMapHeader();
            for (int e = 0; e < entries; e++)
            {
                ReadOnlySpan<byte> key = ReadKey(ref reader);
                if (key.StartsWith("p."u8))
                {
                    properties ??= new Dictionary<string, GraphValue>(StringComparer.Ordinal);
                    properties[Encoding.UTF8.GetString(key[2..])] = ReadValue(ref reader);
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or InvalidDataException)
        {
            throw new InvalidDataException($"The graph adjacency record '{record.Id}' is malformed: {e.Message}", e);
        }

        return Wrap(properties);
    }

    private static IReadOnlyDictionary<string, GraphValue> Wrap(Dictionary<string, GraphValue>? properties) =>
        properties is null ? s_noProperties : new ReadOnlyDictionary<string, GraphValue>(properties);

    private static void WriteProperties(ref MessagePackWriter writer, IReadOnlyDictionary<string, GraphValue>? properties)
    {
        if (properties is null)
        {
            return;
        }

        foreach (KeyValuePair<string, GraphValue> property in properties)
        {
            writer.Write(PropertyPrefix + property.Key);
            GraphValue value = property.Value;
            switch (value.Kind)
            {
                case GraphValueKind.String:
                    writer.Write(value.AsString());
                    break;
                case GraphValueKind.Int64:
                    writer.Write(value.AsInt64());
                    break;
                case GraphValueKind.Double:
                    writer.Write(value.AsDouble());
                    break;
                case GraphValueKind.Boolean:
                    writer.Write(value.AsBoolean());
                    break;
                default:
                    throw new ArgumentException($"The property '{property.Key}' has no value.", nameof(properties));
            }
        }
    }

    private static ReadOnlySpan<byte> ReadKey(ref MessagePackReader reader)
    {
        if (reader.NextMessagePackType != MessagePackType.String || !reader.TryReadStringSpan(out ReadOnlySpan<byte> key))
        {
            throw new InvalidDataException("A map key is not a string.");
        }

        return key;
    }

    private static GraphValue ReadValue(ref MessagePackReader reader)
    {
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.String:
                return GraphValue.From(reader.ReadString()!);
            case MessagePackType.Integer:
                return GraphValue.From(reader.ReadInt64());
            case MessagePackType.Float:
                return GraphValue.From(reader.ReadDouble());
            case MessagePackType.Boolean:
                return GraphValue.From(reader.ReadBoolean());
            default:
                throw new InvalidDataException($"A property value has the unsupported MessagePack type {reader.NextMessagePackType}.");
        }
    }
}
