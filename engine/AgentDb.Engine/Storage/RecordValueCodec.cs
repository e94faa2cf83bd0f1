using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace AgentDb.Storage;

/// <summary>
/// The value stored under a record key, version 1, little-endian:
/// <code>
///  0 u8  version (1)      1 u8 flags (bit 0: has vector)   2 u16 reserved
///  4 i32 payloadLength    8 i64 internalId   16 i64 createdUnixMs   24 i64 updatedUnixMs   32 i64 lsn
/// 40 i32 dimension (0 without vector)        44 u32 reserved
/// 48 payload bytes, then dimension × f32
/// </code>
/// </summary>
/// <remarks>Persisted format: a new layout takes a new version byte; readers reject versions they do not know.</remarks>
internal static class RecordValueCodec
{
    public const int HeaderSize = 48;
    public const byte Version = 1;
    private const byte HasVectorFlag = 1;

    public static int EncodedLength(int payloadLength, int vectorBytes) => HeaderSize + payloadLength + vectorBytes;

    public static void Encode(Span<byte> destination, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> vector, long internalId, long createdUnixMs, long updatedUnixMs, long lsn)
    {
        EncodeHeader(destination, payload.Length, vector.Length, internalId, createdUnixMs, updatedUnixMs, lsn);
        payload.CopyTo(destination[HeaderSize..]);
        vector.CopyTo(destination[(HeaderSize + payload.Length)..]);
    }

    /// <summary>The first <see cref="HeaderSize"/> bytes of a value; the payload and the vector follow them.</summary>
    public static void EncodeHeader(Span<byte> destination, int payloadLength, int vectorBytes, long internalId, long createdUnixMs, long updatedUnixMs, long lsn)
    {
        destination[0] = Version;
        destination[1] = vectorBytes == 0 ? (byte)0 : HasVectorFlag;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], 0);
        BinaryPrimitives.WriteInt32LittleEndian(destination[4..], payloadLength);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], internalId);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], createdUnixMs);
        BinaryPrimitives.WriteInt64LittleEndian(destination[24..], updatedUnixMs);
        BinaryPrimitives.WriteInt64LittleEndian(destination[32..], lsn);
        BinaryPrimitives.WriteInt32LittleEndian(destination[40..], vectorBytes / sizeof(float));
        BinaryPrimitives.WriteUInt32LittleEndian(destination[44..], 0);
    }

    /// <summary>Reads the fixed header; throws <see cref="InvalidDataException"/> for a value that is not a version-1 record.</summary>
    public static RecordHeader ReadHeader(ReadOnlySpan<byte> value) => ReadHeader(value, value.Length);

    /// <summary>Reads the fixed header from the first bytes of a value of <paramref name="valueLength"/> bytes (a value
    /// kept in two parts, see <see cref="HeadLength"/>); throws <see cref="InvalidDataException"/> as <see cref="ReadHeader(ReadOnlySpan{byte})"/>.</summary>
    public static RecordHeader ReadHeader(ReadOnlySpan<byte> head, int valueLength)
    {
        if (head.Length < HeaderSize || head[0] != Version)
        {
            throw new InvalidDataException($"A stored record value of {valueLength} bytes has version {(head.Length > 0 ? head[0] : 0)}; expected {Version} with a {HeaderSize}-byte header.");
        }

        int payloadLength = BinaryPrimitives.ReadInt32LittleEndian(head[4..]);
        int dimension = BinaryPrimitives.ReadInt32LittleEndian(head[40..]);
        if (payloadLength < 0 || dimension < 0 || HeaderSize + payloadLength + (4L * dimension) != valueLength)
        {
            throw new InvalidDataException($"A stored record value of {valueLength} bytes declares {payloadLength} payload bytes and dimension {dimension}.");
        }

        return new RecordHeader(
            Found: true,
            InternalId: BinaryPrimitives.ReadInt64LittleEndian(head[8..]),
            CreatedUnixMs: BinaryPrimitives.ReadInt64LittleEndian(head[16..]),
            UpdatedUnixMs: BinaryPrimitives.ReadInt64LittleEndian(head[24..]),
            Lsn: BinaryPrimitives.ReadInt64LittleEndian(head[32..]),
            PayloadLength: payloadLength,
            Dimension: dimension);
    }

    public static ReadOnlySpan<byte> Payload(ReadOnlySpan<byte> value, in RecordHeader header) => value.Slice(HeaderSize, header.PayloadLength);

    public static ReadOnlySpan<float> Vector(ReadOnlySpan<byte> value, in RecordHeader header) =>
        MemoryMarshal.Cast<byte, float>(value.Slice(HeaderSize + header.PayloadLength, header.Dimension * sizeof(float)));

    /// <summary>
    /// The header and the payload: the part of a value that a read without the vector needs (the record cache keeps it
    /// apart from the vector, so that such a read touches no vector bytes). The whole value when it has no valid
    /// payload length (its header is checked when it is read).
    /// </summary>
    public static int HeadLength(ReadOnlySpan<byte> value)
    {
        if (value.Length < HeaderSize)
        {
            return value.Length;
        }

        int payloadLength = BinaryPrimitives.ReadInt32LittleEndian(value[4..]);
        return payloadLength >= 0 && payloadLength <= value.Length - HeaderSize ? HeaderSize + payloadLength : value.Length;
    }

    /// <summary>
    /// The parts of a value kept as <see cref="HeadLength"/> bytes and the rest: header and payload in
    /// <paramref name="head"/>, the vector in <paramref name="tail"/>; or the whole value in <paramref name="head"/> and
    /// nothing in <paramref name="tail"/>. Throws <see cref="InvalidDataException"/> for anything else.
    /// </summary>
    public static RecordHeader ReadParts(ReadOnlySpan<byte> head, ReadOnlySpan<byte> tail, out ReadOnlySpan<byte> payload, out ReadOnlySpan<byte> vectorBytes)
    {
        RecordHeader header = ReadHeader(head, head.Length + tail.Length);
        int payloadEnd = HeaderSize + header.PayloadLength;
        int vectorLength = header.Dimension * sizeof(float);
        if (tail.IsEmpty)
        {
            payload = head.Slice(HeaderSize, header.PayloadLength);
            vectorBytes = head.Slice(payloadEnd, vectorLength);
        }
        else if (head.Length == payloadEnd)
        {
            payload = head[HeaderSize..];
            vectorBytes = tail; // its length is the header's, checked above
        }
        else
        {
            throw new InvalidDataException($"A stored record value kept as {head.Length} + {tail.Length} bytes is not split after its {header.PayloadLength}-byte payload.");
        }

        return header;
    }

    /// <summary>A record from a value kept in two parts (see <see cref="ReadParts"/>).</summary>
    public static StoredRecord ToRecord(ReadOnlySpan<byte> idUtf8, ReadOnlySpan<byte> head, ReadOnlySpan<byte> tail, bool includeVector = true)
    {
        RecordHeader header = ReadParts(head, tail, out ReadOnlySpan<byte> payload, out ReadOnlySpan<byte> vectorBytes);
        float[]? vector = header.Dimension == 0 || !includeVector ? null : MemoryMarshal.Cast<byte, float>(vectorBytes).ToArray();
        return new StoredRecord(Encoding.UTF8.GetString(idUtf8), payload.ToArray(), vector, header.CreatedUnixMs, header.UpdatedUnixMs, header.Lsn);
    }

    public static StoredRecord ToRecord(ReadOnlySpan<byte> idUtf8, ReadOnlySpan<byte> value, bool includeVector = true)
    {
        RecordHeader header = ReadHeader(value);
        float[]? vector = header.Dimension == 0 || !includeVector ? null : Vector(value, header).ToArray();
        return new StoredRecord(Encoding.UTF8.GetString(idUtf8), Payload(value, header).ToArray(), vector, header.CreatedUnixMs, header.UpdatedUnixMs, header.Lsn);
    }
}
