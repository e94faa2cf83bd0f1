using System.Buffers;
using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>Bounded readers and writers for the field types the agent-memory messages add to <see cref="Fields"/>:
/// doubles, optional integers, string lists and maps, property maps, fixed-size hashes. Every length is checked before
/// anything is allocated.</summary>
internal static class MemoryFields
{
    /// <summary>Reads a number as a double: a float 64, a float 32 or an integer (some encoders write 1.0 as 1).</summary>
    public static double ReadDouble(ref MessagePackReader reader, string field)
    {
        var type = reader.NextMessagePackType;
        if (type == MessagePackType.Float)
        {
            return reader.ReadDouble();
        }
        if (type == MessagePackType.Integer)
        {
            return reader.ReadInt64();
        }
        throw new WireFormatException($"{field} must be a number");
    }

    /// <summary>Reads a finite double.</summary>
    public static double ReadFiniteDouble(ref MessagePackReader reader, string field)
    {
        var value = ReadDouble(ref reader, field);
        return double.IsFinite(value) ? value : throw new WireFormatException($"{field} must be finite, not {value}");
    }

    /// <summary>Reads a double that is not NaN (infinities allowed: "no bound").</summary>
    public static double ReadBound(ref MessagePackReader reader, string field)
    {
        var value = ReadDouble(ref reader, field);
        return double.IsNaN(value) ? throw new WireFormatException($"{field} must not be NaN") : value;
    }

    /// <summary>Reads a finite double or nil.</summary>
    public static double? ReadNullableFiniteDouble(ref MessagePackReader reader, string field) =>
        reader.TryReadNil() ? null : ReadFiniteDouble(ref reader, field);

    /// <summary>Writes a double or nil.</summary>
    public static void WriteNullableDouble(ref MessagePackWriter writer, double? value)
    {
        if (value is { } number)
        {
            writer.Write(number);
        }
        else
        {
            writer.WriteNil();
        }
    }

    /// <summary>Reads an integer that is not negative.</summary>
    public static long ReadNonNegativeInt64(ref MessagePackReader reader, string field)
    {
        var value = Fields.ReadInt64(ref reader, field);
        return value >= 0 ? value : throw new WireFormatException($"{field} is {value}; it must not be negative");
    }

    /// <summary>Reads an integer or nil.</summary>
    public static long? ReadNullableInt64(ref MessagePackReader reader, string field) =>
        reader.TryReadNil() ? null : Fields.ReadInt64(ref reader, field);

    /// <summary>Writes an integer or nil.</summary>
    public static void WriteNullableInt64(ref MessagePackWriter writer, long? value)
    {
        if (value is { } number)
        {
            writer.Write(number);
        }
        else
        {
            writer.WriteNil();
        }
    }

    /// <summary>Reads an unsigned integer in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static int ReadInt32(ref MessagePackReader reader, string field, int min, int max)
    {
        var value = Fields.ReadUInt32(ref reader, field, (uint)max);
        return value >= min ? (int)value : throw new WireFormatException($"{field} is {value}; it must be between {min} and {max}");
    }

    /// <summary>Reads a list of strings (non-empty unless <paramref name="allowEmpty"/>), at most <paramref name="maxEntries"/> of at most
    /// <paramref name="maxBytes"/> bytes each.</summary>
    public static string[] ReadStringList(ref MessagePackReader reader, string field, int maxEntries, int maxBytes, bool allowEmpty = false)
    {
        var count = Fields.ReadListCount(ref reader, field, maxEntries);
        var values = count == 0 ? [] : new string[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = Fields.ReadString(ref reader, maxBytes, field, allowEmpty);
        }
        return values;
    }

    /// <summary>Writes a list of strings.</summary>
    public static void WriteStringList(ref MessagePackWriter writer, IReadOnlyList<string> values)
    {
        writer.WriteArrayHeader(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            writer.Write(values[i]);
        }
    }

    /// <summary>Reads a map of string to string with distinct keys.</summary>
    public static Dictionary<string, string> ReadStringMap(ref MessagePackReader reader, string field, int maxKeyBytes, int maxValueBytes)
    {
        var count = Fields.ReadMapCount(ref reader, field);
        if (count > MemoryWireLimits.MaxListEntries)
        {
            throw new WireFormatException($"{field} has {count} entries; at most {MemoryWireLimits.MaxListEntries} are allowed");
        }
        var map = new Dictionary<string, string>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var key = Fields.ReadString(ref reader, maxKeyBytes, $"{field} key", allowEmpty: true);
            var value = Fields.ReadString(ref reader, maxValueBytes, $"{field}.{key}", allowEmpty: true);
            if (!map.TryAdd(key, value))
            {
                throw new WireFormatException($"{field} has the key '{key}' twice");
            }
        }
        return map;
    }

    /// <summary>Writes a map of string to string.</summary>
    public static void WriteStringMap(ref MessagePackWriter writer, IReadOnlyDictionary<string, string> map)
    {
        writer.WriteMapHeader(map.Count);
        foreach (var (key, value) in map)
        {
            writer.Write(key);
            writer.Write(value);
        }
    }

    /// <summary>Reads a property map: string keys (1–256 bytes, distinct) to str, int, float or bool values.</summary>
    public static Dictionary<string, PropertyValue> ReadProperties(ref MessagePackReader reader, string field)
    {
        var count = Fields.ReadMapCount(ref reader, field);
        if (count > MemoryWireLimits.MaxListEntries)
        {
            throw new WireFormatException($"{field} has {count} entries; at most {MemoryWireLimits.MaxListEntries} are allowed");
        }
        var map = new Dictionary<string, PropertyValue>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var key = Fields.ReadString(ref reader, WireLimits.MaxNameBytes, $"{field} key");
            var value = ReadPropertyValue(ref reader, $"{field}.{key}");
            if (!map.TryAdd(key, value))
            {
                throw new WireFormatException($"{field} has the key '{key}' twice");
            }
        }
        return map;
    }

    /// <summary>Writes a property map.</summary>
    /// <exception cref="ArgumentException">A value is <c>default(PropertyValue)</c>.</exception>
    public static void WriteProperties(ref MessagePackWriter writer, IReadOnlyDictionary<string, PropertyValue> map)
    {
        writer.WriteMapHeader(map.Count);
        foreach (var (key, value) in map)
        {
            writer.Write(key);
            switch (value.Kind)
            {
                case PropertyValueKind.String: writer.Write(value.AsString()); break;
                case PropertyValueKind.Int64: writer.Write(value.AsInt64()); break;
                case PropertyValueKind.Double: writer.Write(value.AsDouble()); break;
                case PropertyValueKind.Boolean: writer.Write(value.AsBoolean()); break;
                default: throw new ArgumentException($"property '{key}' has no value", nameof(map));
            }
        }
    }

    /// <summary>Reads exactly <see cref="MemoryWireLimits.HashBytes"/> bytes of bin.</summary>
    public static byte[] ReadHash(ref MessagePackReader reader, string field)
    {
        if (reader.NextMessagePackType != MessagePackType.Binary)
        {
            throw new WireFormatException($"{field} must be a bin of {MemoryWireLimits.HashBytes} bytes");
        }
        var bytes = reader.ReadBytes()!.Value;
        if (bytes.Length != MemoryWireLimits.HashBytes)
        {
            throw new WireFormatException($"{field} has {bytes.Length} bytes; expected {MemoryWireLimits.HashBytes}");
        }
        return bytes.ToArray();
    }

    /// <summary>Reads a query given as text or as a vector: exactly one of the two.</summary>
    public static (string? Text, ReadOnlyMemory<float> Vector) ReadTextOrVector(ref MessagePackReader reader, string textField, string vectorField)
    {
        var text = Fields.ReadNullableString(ref reader, MemoryWireLimits.MaxContentBytes, textField);
        var vector = Fields.ReadVector(ref reader, vectorField, allowNil: true);
        if (text is null == vector.IsEmpty)
        {
            throw new WireFormatException($"exactly one of {textField} and {vectorField} must be given");
        }
        if (text is { Length: 0 })
        {
            throw new WireFormatException($"{textField} must not be empty");
        }
        return (text, vector);
    }

    private static PropertyValue ReadPropertyValue(ref MessagePackReader reader, string field) => reader.NextMessagePackType switch
    {
        MessagePackType.String => PropertyValue.From(Fields.ReadString(ref reader, WireLimits.MaxTextBytes, field, allowEmpty: true)),
        MessagePackType.Integer => PropertyValue.From(reader.ReadInt64()),
        MessagePackType.Float => PropertyValue.From(reader.ReadDouble()),
        MessagePackType.Boolean => PropertyValue.From(reader.ReadBoolean()),
        _ => throw new WireFormatException($"{field} must be a str, int, float or bool"),
    };

    /// <summary>Reads a direction: 0 out, 1 in, 2 both.</summary>
    public static WireGraphDirection ReadDirection(ref MessagePackReader reader, string field) =>
        (WireGraphDirection)Fields.ReadUInt32(ref reader, field, (uint)WireGraphDirection.Both);
}
