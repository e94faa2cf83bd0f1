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
    public static RecordHeader ReadHeader(ReadOnlySpan<byte> value)
    {
        if (value.Length < HeaderSize || value[0] != Version)
        {
            throw new InvalidDataException($"A stored record value of {value.Length} bytes has version {(value.Length > 0 ? value[0] : 0)}; expected {Version} with a {HeaderSize}-byte header.");
        }

        int payloadLength = BinaryPrimitives.ReadInt32LittleEndian(value[4..]);
        int dimension = BinaryPrimitives.ReadInt32LittleEndian(value[40..]);
        if (payloadLength < 0 || dimension < 0 || HeaderSize + payloadLength + (4L * dimension) != value.Length)
        {
            throw new InvalidDataException($"A stored record value of {value.Length} bytes declares {payloadLength} payload bytes and dimension {dimension}.");
        }

        return new RecordHeader(
            Found: true,
            InternalId: BinaryPrimitives.ReadInt64LittleEndian(value[8..]),
            CreatedUnixMs: BinaryPrimitives.ReadInt64LittleEndian(value[16..]),
            UpdatedUnixMs: BinaryPrimitives.ReadInt64LittleEndian(value[24..]),
            Lsn: BinaryPrimitives.ReadInt64LittleEndian(value[32..]),
            PayloadLength: payloadLength,
            Dimension: dimension);
    }

    public static ReadOnlySpan<byte> Payload(ReadOnlySpan<byte> value, in RecordHeader header) => value.Slice(HeaderSize, header.PayloadLength);

    public static ReadOnlySpan<float> Vector(ReadOnlySpan<byte> value, in RecordHeader header) =>
        MemoryMarshal.Cast<byte, float>(value.Slice(HeaderSize + header.PayloadLength, header.Dimension * sizeof(float)));

    public static StoredRecord ToRecord(ReadOnlySpan<byte> idUtf8, ReadOnlySpan<byte> value, bool includeVector = true)
    {
        RecordHeader header = ReadHeader(value);
        float[]? vector = header.Dimension == 0 || !includeVector ? null : Vector(value, header).ToArray();
        return new StoredRecord(Encoding.UTF8.GetString(idUtf8), Payload(value, header).ToArray(), vector, header.CreatedUnixMs, header.UpdatedUnixMs, header.Lsn);
    }
}
