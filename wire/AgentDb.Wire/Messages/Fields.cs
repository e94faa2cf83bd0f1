using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>
/// Bounded readers and writers for the field types the messages share. Every length is checked against the bytes
/// actually present and against <see cref="WireLimits"/> before anything is allocated.
/// </summary>
internal static class Fields
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads a message's array header: at least <paramref name="required"/> fields. Fields past the ones this
    /// version knows are skipped by <see cref="SkipExtraFields"/>, so later versions can append fields.</summary>
    public static int ReadFieldCount(ref MessagePackReader reader, int required, string message)
    {
        if (reader.NextMessagePackType != MessagePackType.Array)
        {
            throw new WireFormatException($"{message} body must be a MessagePack array");
        }
        var count = ReadCount(ref reader, isMap: false);
        if (count < required)
        {
            throw new WireFormatException($"{message} body has {count} fields; at least {required} are required");
        }
        return count;
    }

    /// <summary>Skips the fields after the first <paramref name="known"/> of <paramref name="count"/>.</summary>
    public static void SkipExtraFields(ref MessagePackReader reader, int count, int known)
    {
        for (var i = known; i < count; i++)
        {
            SkipValue(ref reader, WireLimits.MaxNestingDepth);
        }
    }

    /// <summary>Reads an array header of a list field, at most <paramref name="max"/> entries.</summary>
    public static int ReadListCount(ref MessagePackReader reader, string field, int max = int.MaxValue)
    {
        if (reader.NextMessagePackType != MessagePackType.Array)
        {
            throw new WireFormatException($"{field} must be an array");
        }
        var count = ReadCount(ref reader, isMap: false);
        if (count > max)
        {
            throw new WireFormatException($"{field} has {count} entries; at most {max} are allowed");
        }
        return count;
    }

    /// <summary>Reads a map header, at most as many entries as bytes remain.</summary>
    public static int ReadMapCount(ref MessagePackReader reader, string field)
    {
        if (reader.NextMessagePackType != MessagePackType.Map)
        {
            throw new WireFormatException($"{field} must be a map");
        }
        return ReadCount(ref reader, isMap: true);
    }

    /// <summary>Reads a non-nil UTF-8 string of at most <paramref name="maxBytes"/> bytes.</summary>
    public static string ReadString(ref MessagePackReader reader, int maxBytes, string field, bool allowEmpty = false)
    {
        if (reader.NextMessagePackType != MessagePackType.String)
        {
            throw new WireFormatException($"{field} must be a string");
        }
        return DecodeString(ref reader, maxBytes, field, allowEmpty);
    }

    /// <summary>Reads a string of at most <paramref name="maxBytes"/> bytes, or nil (null).</summary>
    public static string? ReadNullableString(ref MessagePackReader reader, int maxBytes, string field)
    {
        if (reader.TryReadNil())
        {
            return null;
        }
        if (reader.NextMessagePackType != MessagePackType.String)
        {
            throw new WireFormatException($"{field} must be a string or nil");
        }
        return DecodeString(ref reader, maxBytes, field, allowEmpty: true);
    }

    /// <summary>Writes a string, or nil for null.</summary>
    public static void WriteNullableString(ref MessagePackWriter writer, string? value)
    {
        if (value is null)
        {
            writer.WriteNil();
        }
        else
        {
            writer.Write(value);
        }
    }

    /// <summary>Reads an unsigned integer no larger than <paramref name="max"/>.</summary>
    public static uint ReadUInt32(ref MessagePackReader reader, string field, uint max = uint.MaxValue)
    {
        if (reader.NextMessagePackType != MessagePackType.Integer)
        {
            throw new WireFormatException($"{field} must be an unsigned integer");
        }
        var value = reader.ReadUInt32();
        if (value > max)
        {
            throw new WireFormatException($"{field} is {value}; at most {max} is allowed");
        }
        return value;
    }

    /// <summary>Reads an unsigned 64-bit integer.</summary>
    public static ulong ReadUInt64(ref MessagePackReader reader, string field)
    {
        if (reader.NextMessagePackType != MessagePackType.Integer)
        {
            throw new WireFormatException($"{field} must be an unsigned integer");
        }
        return reader.ReadUInt64();
    }

    /// <summary>Reads a signed 64-bit integer.</summary>
    public static long ReadInt64(ref MessagePackReader reader, string field)
    {
        if (reader.NextMessagePackType != MessagePackType.Integer)
        {
            throw new WireFormatException($"{field} must be an integer");
        }
        return reader.ReadInt64();
    }

    /// <summary>Reads a boolean.</summary>
    public static bool ReadBoolean(ref MessagePackReader reader, string field)
    {
        if (reader.NextMessagePackType != MessagePackType.Boolean)
        {
            throw new WireFormatException($"{field} must be a boolean");
        }
        return reader.ReadBoolean();
    }

    /// <summary>Reads a float32 (or float64 narrowed).</summary>
    public static float ReadSingle(ref MessagePackReader reader, string field)
    {
        if (reader.NextMessagePackType != MessagePackType.Float)
        {
            throw new WireFormatException($"{field} must be a float");
        }
        return reader.ReadSingle();
    }

    /// <summary>Reads a vector: a bin of little-endian float32 values, 1 to <see cref="WireLimits.MaxDimension"/> of
    /// them. Nil reads as empty when <paramref name="allowNil"/>.</summary>
    public static ReadOnlyMemory<float> ReadVector(ref MessagePackReader reader, string field, bool allowNil)
    {
        if (reader.TryReadNil())
        {
            return allowNil ? ReadOnlyMemory<float>.Empty : throw new WireFormatException($"{field} must not be nil");
        }
        if (reader.NextMessagePackType != MessagePackType.Binary)
        {
            throw new WireFormatException($"{field} must be a bin of little-endian float32 values");
        }
        var bytes = reader.ReadBytes()!.Value;
        if (bytes.Length == 0 || bytes.Length % sizeof(float) != 0 || bytes.Length > (long)WireLimits.MaxDimension * sizeof(float))
        {
            throw new WireFormatException(
                $"{field} has {bytes.Length} bytes; expected a multiple of 4 between 4 and {WireLimits.MaxDimension * sizeof(float)}");
        }
        var vector = new float[bytes.Length / sizeof(float)];
        bytes.CopyTo(MemoryMarshal.AsBytes(vector.AsSpan()));
        if (!BitConverter.IsLittleEndian)
        {
            var raw = MemoryMarshal.Cast<float, uint>(vector.AsSpan());
            System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(raw, raw);
        }
        return vector;
    }

    /// <summary>Writes a vector as a bin of little-endian float32 values; an empty vector as nil.</summary>
    public static void WriteVector(ref MessagePackWriter writer, ReadOnlyMemory<float> vector)
    {
        if (vector.IsEmpty)
        {
            writer.WriteNil();
            return;
        }
        var bytes = MemoryMarshal.AsBytes(vector.Span);
        writer.WriteBinHeader(bytes.Length);
        if (BitConverter.IsLittleEndian)
        {
            writer.WriteRaw(bytes);
            return;
        }
        foreach (var value in vector.Span)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(writer.GetSpan(sizeof(float)), value);
            writer.Advance(sizeof(float));
        }
    }

    /// <summary>Reads a payload or filter: one MessagePack map kept as raw bytes, or nil (empty).</summary>
    public static ReadOnlyMemory<byte> ReadRawMap(ref MessagePackReader reader, string field)
    {
        if (reader.TryReadNil())
        {
            return ReadOnlyMemory<byte>.Empty;
        }
        if (reader.NextMessagePackType != MessagePackType.Map)
        {
            throw new WireFormatException($"{field} must be a map or nil");
        }
        var start = reader.Position;
        SkipValue(ref reader, WireLimits.MaxNestingDepth);
        return reader.Sequence.Slice(start, reader.Position).ToArray();
    }

    /// <summary>Writes a raw map (validated to be exactly one map), or nil when empty.</summary>
    /// <exception cref="ArgumentException"><paramref name="map"/> is not exactly one MessagePack map.</exception>
    public static void WriteRawMap(ref MessagePackWriter writer, ReadOnlyMemory<byte> map, string field)
    {
        if (map.IsEmpty)
        {
            writer.WriteNil();
            return;
        }
        if (!IsSingleMap(map))
        {
            throw new ArgumentException($"{field} must be exactly one MessagePack map", field);
        }
        writer.WriteRaw(map.Span);
    }

    /// <summary>True when <paramref name="bytes"/> hold exactly one MessagePack map within the nesting limit.</summary>
    public static bool IsSingleMap(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            var reader = new MessagePackReader(bytes);
            if (reader.End || reader.NextMessagePackType != MessagePackType.Map)
            {
                return false;
            }
            SkipValue(ref reader, WireLimits.MaxNestingDepth);
            return reader.End;
        }
        catch (Exception e) when (e is WireFormatException or MessagePackSerializationException or EndOfStreamException)
        {
            return false;
        }
    }

    /// <summary>Skips one value of any type without recursion: nesting costs a slot of a fixed stack, not a call frame,
    /// so a body of 16 MiB of nested array headers cannot overflow the thread's stack.</summary>
    public static void SkipValue(ref MessagePackReader reader, int maxDepth)
    {
        Span<int> pending = stackalloc int[maxDepth + 1];
        var depth = 0;
        pending[0] = 1;
        // Every iteration consumes at least one byte or pops a level, so the loop is bounded by the body's length.
        while (depth >= 0)
        {
            if (pending[depth] == 0)
            {
                depth--;
                continue;
            }
            pending[depth]--;
            var type = reader.NextMessagePackType;
            if (type is MessagePackType.Array or MessagePackType.Map)
            {
                var count = ReadCount(ref reader, type == MessagePackType.Map);
                var items = type == MessagePackType.Map ? 2 * count : count;
                if (items == 0)
                {
                    continue;
                }
                if (depth + 1 > maxDepth)
                {
                    throw new WireFormatException($"nesting deeper than {maxDepth} levels");
                }
                pending[++depth] = items;
            }
            else
            {
                reader.Skip();
            }
        }
    }

    private static int ReadCount(ref MessagePackReader reader, bool isMap)
    {
        var remaining = reader.Sequence.Length - reader.Consumed;
        long count = isMap ? reader.ReadMapHeader() : reader.ReadArrayHeader();
        // Each entry takes at least one byte (two for a map), so a count beyond the bytes present is a lie.
        if (count * (isMap ? 2 : 1) > remaining)
        {
            throw new WireFormatException($"{(isMap ? "map" : "array")} claims {count} entries but only {remaining} bytes remain");
        }
        return (int)count;
    }

    private static string DecodeString(ref MessagePackReader reader, int maxBytes, string field, bool allowEmpty)
    {
        var bytes = reader.ReadStringSequence()!.Value;
        if (bytes.Length > maxBytes)
        {
            throw new WireFormatException($"{field} is {bytes.Length} bytes; at most {maxBytes} are allowed");
        }
        if (bytes.Length == 0 && !allowEmpty)
        {
            throw new WireFormatException($"{field} must not be empty");
        }
        try
        {
            return bytes.IsSingleSegment ? s_strictUtf8.GetString(bytes.FirstSpan) : s_strictUtf8.GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException)
        {
            throw new WireFormatException($"{field} is not valid UTF-8");
        }
    }
}
