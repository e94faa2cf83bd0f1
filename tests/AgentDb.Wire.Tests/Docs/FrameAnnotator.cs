using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using AgentDb.Wire.Frames;

namespace AgentDb.Wire.Tests.Docs;

/// <summary>
/// Renders a frame as annotated hex for docs/PROTOCOL.md: one line per header field and per MessagePack token, the
/// bytes on the left (at most eight a line) and what they mean on the right. A tiny MessagePack walker of its own,
/// so the annotation does not trust the codec it documents.
/// </summary>
/// <remarks>
/// Field names label the body's top-level fields. A name may describe nested fields: <c>name{a,b}</c> labels the
/// fields of an array value, <c>name[]</c> marks a list (its items unlabelled) and <c>name[]{a,b}</c> a list whose items
/// are arrays with fields a and b. A bin whose label ends in "Hash" or "Root" is shown as bytes, not float32 values.
/// </remarks>
internal static class FrameAnnotator
{
    private const int BytesPerLine = 8;
    private const int HexColumn = BytesPerLine * 3 + 1;

    public static string Render(byte[] frame, IReadOnlyList<string> fieldNames)
    {
        var header = FrameHeader.Read(frame);
        var text = new StringBuilder();
        Line(text, frame, 0, 2, "magic");
        Line(text, frame, 2, 1, $"version {header.Version}");
        Line(text, frame, 3, 1, $"flags: {FlagsText(header.Flags)}");
        Line(text, frame, 4, 2, $"opcode 0x{(ushort)header.Opcode:x4} {OpcodeInfo.Name(header.Opcode)}");
        Line(text, frame, 6, 2, "reserved");
        Line(text, frame, 8, 8, $"request id {header.RequestId}");
        Line(text, frame, 16, 4, $"body length {header.BodyLength}");
        Line(text, frame, 20, 4, "reserved");
        text.Append("-- body".PadRight(HexColumn)).Append("MessagePack\n");
        var position = FrameHeader.Size;
        var fields = new List<Schema>(fieldNames.Count);
        foreach (var name in fieldNames)
        {
            fields.Add(Schema.Parse(name));
        }
        Value(text, frame, ref position, depth: 0, new Schema(null, IsList: false, fields));
        if (position != frame.Length)
        {
            throw new InvalidOperationException($"annotator stopped at {position} of {frame.Length}");
        }
        return text.ToString();
    }

    private static string FlagsText(FrameFlags flags) => flags switch
    {
        FrameFlags.None => "request",
        FrameFlags.Response => "response",
        FrameFlags.Response | FrameFlags.Error => "response | error",
        _ => $"0x{(byte)flags:x2}",
    };

    private static void Value(StringBuilder text, byte[] bytes, ref int position, int depth, Schema? schema)
    {
        var start = position;
        var code = bytes[position++];
        var indent = new string(' ', depth * 2);
        var label = schema?.Name;
        var suffix = label is null ? "" : $"  ← {label}";
        var floats = label is null || !(label.EndsWith("Hash", StringComparison.Ordinal) || label.EndsWith("Root", StringComparison.Ordinal));
        int count;
        switch (code)
        {
            case <= 0x7f:
                Line(text, bytes, start, 1, $"{indent}uint {code}{suffix}");
                return;
            case >= 0xe0:
                Line(text, bytes, start, 1, $"{indent}int {(sbyte)code}{suffix}");
                return;
            case >= 0x80 and <= 0x8f:
                count = code & 0x0f;
                Line(text, bytes, start, 1, $"{indent}map({count}){suffix}");
                Entries(text, bytes, ref position, depth, count * 2);
                return;
            case >= 0x90 and <= 0x9f:
                count = code & 0x0f;
                Line(text, bytes, start, 1, $"{indent}array({count}){suffix}");
                Items(text, bytes, ref position, depth, count, schema);
                return;
            case >= 0xa0 and <= 0xbf:
                count = code & 0x1f;
                Str(text, bytes, ref position, start, count, indent, suffix);
                return;
            case 0xc0:
                Line(text, bytes, start, 1, $"{indent}nil{suffix}");
                return;
            case 0xc2:
                Line(text, bytes, start, 1, $"{indent}false{suffix}");
                return;
            case 0xc3:
                Line(text, bytes, start, 1, $"{indent}true{suffix}");
                return;
            case 0xc4:
                count = bytes[position++];
                Bin(text, bytes, ref position, start, count, indent, suffix, floats);
                return;
            case 0xc5:
                count = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(position));
                position += 2;
                Bin(text, bytes, ref position, start, count, indent, suffix, floats);
                return;
            case 0xca:
                var single = BinaryPrimitives.ReadSingleBigEndian(bytes.AsSpan(position));
                position += 4;
                Line(text, bytes, start, 5, $"{indent}float32 {single.ToString(CultureInfo.InvariantCulture)}{suffix}");
                return;
            case 0xcb:
                var number = BinaryPrimitives.ReadDoubleBigEndian(bytes.AsSpan(position));
                position += 8;
                Line(text, bytes, start, 9, $"{indent}float64 {number.ToString(CultureInfo.InvariantCulture)}{suffix}");
                return;
            case 0xcc:
                position += 1;
                Line(text, bytes, start, 2, $"{indent}uint8 {bytes[start + 1]}{suffix}");
                return;
            case 0xcd:
                position += 2;
                Line(text, bytes, start, 3, $"{indent}uint16 {BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(start + 1))}{suffix}");
                return;
            case 0xce:
                position += 4;
                Line(text, bytes, start, 5, $"{indent}uint32 {BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(start + 1))}{suffix}");
                return;
            case 0xcf:
                position += 8;
                Line(text, bytes, start, 9, $"{indent}uint64 {BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(start + 1))}{suffix}");
                return;
            case 0xd0:
                position += 1;
                Line(text, bytes, start, 2, $"{indent}int8 {(sbyte)bytes[start + 1]}{suffix}");
                return;
            case 0xd1:
                position += 2;
                Line(text, bytes, start, 3, $"{indent}int16 {BinaryPrimitives.ReadInt16BigEndian(bytes.AsSpan(start + 1))}{suffix}");
                return;
            case 0xd2:
                position += 4;
                Line(text, bytes, start, 5, $"{indent}int32 {BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(start + 1))}{suffix}");
                return;
            case 0xd3:
                position += 8;
                Line(text, bytes, start, 9, $"{indent}int64 {BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(start + 1))}{suffix}");
                return;
            case 0xd9:
                count = bytes[position++];
                Str(text, bytes, ref position, start, count, indent, suffix);
                return;
            case 0xdc:
                count = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(position));
                position += 2;
                Line(text, bytes, start, 3, $"{indent}array16({count}){suffix}");
                Items(text, bytes, ref position, depth, count, schema);
                return;
            default:
                throw new NotSupportedException($"annotator does not know MessagePack code 0x{code:x2}: add it");
        }
    }

    private static void Items(StringBuilder text, byte[] bytes, ref int position, int depth, int count, Schema? schema)
    {
        for (var i = 0; i < count; i++)
        {
            Schema? item = null;
            if (schema is { IsList: true })
            {
                // Every item of a list has the list's fields, and no label of its own.
                item = schema.Fields.Count > 0 ? new Schema(null, IsList: false, schema.Fields) : null;
            }
            else if (schema is not null && i < schema.Fields.Count)
            {
                item = schema.Fields[i];
            }
            Value(text, bytes, ref position, depth + 1, item);
        }
    }

    private static void Entries(StringBuilder text, byte[] bytes, ref int position, int depth, int count)
    {
        for (var i = 0; i < count; i++)
        {
            Value(text, bytes, ref position, depth + 1, null);
        }
    }

    private static void Str(StringBuilder text, byte[] bytes, ref int position, int start, int length, string indent, string suffix)
    {
        var value = Encoding.UTF8.GetString(bytes, position, length);
        position += length;
        Line(text, bytes, start, position - start, $"{indent}str({length}) \"{value}\"{suffix}");
    }

    private static void Bin(
        StringBuilder text, byte[] bytes, ref int position, int start, int length, string indent, string suffix, bool asFloats)
    {
        var floats = new List<string>();
        asFloats &= length % 4 == 0;
        for (var i = 0; asFloats && i < length; i += 4)
        {
            floats.Add(BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(position + i)).ToString(CultureInfo.InvariantCulture));
        }
        position += length;
        var meaning = asFloats ? $": float32 LE [{string.Join(", ", floats)}]" : "";
        Line(text, bytes, start, position - start, $"{indent}bin({length}){meaning}{suffix}");
    }

    private static void Line(StringBuilder text, byte[] bytes, int start, int length, string meaning)
    {
        for (var offset = 0; offset < length; offset += BytesPerLine)
        {
            var chunk = bytes.AsSpan(start + offset, Math.Min(BytesPerLine, length - offset));
            var hex = Convert.ToHexStringLower(chunk);
            var spaced = new StringBuilder();
            for (var i = 0; i < hex.Length; i += 2)
            {
                spaced.Append(i == 0 ? "" : " ").Append(hex, i, 2);
            }
            if (offset == 0)
            {
                text.Append(spaced.ToString().PadRight(HexColumn)).Append(meaning).Append('\n');
            }
            else
            {
                text.Append(spaced).Append('\n');
            }
        }
    }

    /// <summary>A field's label and, for an array value, the labels of its fields (see the remarks on the class).</summary>
    private sealed record Schema(string? Name, bool IsList, IReadOnlyList<Schema> Fields)
    {
        public static Schema Parse(string text)
        {
            var brace = text.IndexOf('{', StringComparison.Ordinal);
            var head = brace < 0 ? text : text[..brace];
            var isList = head.EndsWith("[]", StringComparison.Ordinal);
            var name = isList ? head[..^2] : head;
            var fields = new List<Schema>();
            if (brace >= 0)
            {
                if (!text.EndsWith('}'))
                {
                    throw new ArgumentException($"field schema '{text}' does not end with '}}'");
                }
                var inner = text[(brace + 1)..^1];
                var depth = 0;
                var from = 0;
                for (var i = 0; i <= inner.Length; i++)
                {
                    if (i == inner.Length || (inner[i] == ',' && depth == 0))
                    {
                        fields.Add(Parse(inner[from..i]));
                        from = i + 1;
                    }
                    else if (inner[i] == '{')
                    {
                        depth++;
                    }
                    else if (inner[i] == '}')
                    {
                        depth--;
                    }
                }
            }
            return new Schema(name, isList, fields);
        }
    }
}
