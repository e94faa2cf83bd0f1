using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using AgentDb.Kernels;
using AgentDb.Storage;

namespace AgentDb;

/// <summary>
/// The payload of a database log entry, version 1, little-endian. Header (12 bytes):
/// <c>u8 opcode, u8 version, u16 reserved, i64 timestampUnixMs</c>. Then by <see cref="LogOpCode"/>:
/// <list type="bullet">
/// <item>CreateCollection: <c>i32 dimension, u8 metric, u8 reserved, u16 nameLength, name (UTF-8)</c>, then (appended;
/// absent in older entries, which take the defaults) <c>i32 hnswM, i32 hnswEfConstruction</c></item>
/// <item>DropCollection: <c>i64 collectionId</c></item>
/// <item>Epoch: <c>i64 epoch</c> (a primary's term begins)</item>
/// <item>CreatePayloadIndex: <c>i64 collectionId, u16 fieldLength, field (UTF-8)</c></item>
/// <item>Writes: <c>i32 count</c>, then per write <c>u8 kind, u8 reserved, u16 idLength, i64 collectionId,
/// i32 payloadLength, i32 dimension (0 = no vector), id, payload, dimension × f32</c></item>
/// </list>
/// Timestamps travel in the entry so replay reproduces them exactly.
/// </summary>
/// <remarks>Persisted format: fields are append-only; a new layout takes a new version.</remarks>
internal static class LogEntryCodec
{
    public const int HeaderSize = 12;
    public const int WriteHeaderSize = 20;
    public const byte Version = 1;

    public static int WritesSize(int count, long bodyBytes) => checked((int)(HeaderSize + 4 + (WriteHeaderSize * (long)count) + bodyBytes));

    public static int WriteHeader(Span<byte> entry, LogOpCode opCode, long timestampUnixMs)
    {
        entry[0] = (byte)opCode;
        entry[1] = Version;
        BinaryPrimitives.WriteUInt16LittleEndian(entry[2..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(entry[4..], timestampUnixMs);
        return HeaderSize;
    }

    /// <summary>Bytes of a create-collection entry for a name of <paramref name="nameBytes"/> UTF-8 bytes.</summary>
    public static int CreateSize(int nameBytes) => HeaderSize + 8 + nameBytes + 8;

    public static int EncodeCreate(Span<byte> entry, long timestampUnixMs, string name, int dimension, DistanceMetric metric, int hnswM, int hnswEfConstruction)
    {
        int offset = WriteHeader(entry, LogOpCode.CreateCollection, timestampUnixMs);
        BinaryPrimitives.WriteInt32LittleEndian(entry[offset..], dimension);
        entry[offset + 4] = (byte)metric;
        entry[offset + 5] = 0;
        int nameLength = Encoding.UTF8.GetBytes(name, entry[(offset + 8)..]);
        BinaryPrimitives.WriteUInt16LittleEndian(entry[(offset + 6)..], (ushort)nameLength);
        offset += 8 + nameLength;
        BinaryPrimitives.WriteInt32LittleEndian(entry[offset..], hnswM);
        BinaryPrimitives.WriteInt32LittleEndian(entry[(offset + 4)..], hnswEfConstruction);
        return offset + 8;
    }

    public static int EncodeDrop(Span<byte> entry, long timestampUnixMs, long collectionId)
    {
        int offset = WriteHeader(entry, LogOpCode.DropCollection, timestampUnixMs);
        BinaryPrimitives.WriteInt64LittleEndian(entry[offset..], collectionId);
        return offset + 8;
    }

    public const int EpochSize = HeaderSize + 8;

    public static int EncodeEpoch(Span<byte> entry, long timestampUnixMs, long epoch)
    {
        int offset = WriteHeader(entry, LogOpCode.Epoch, timestampUnixMs);
        BinaryPrimitives.WriteInt64LittleEndian(entry[offset..], epoch);
        return offset + 8;
    }

    public static long DecodeEpoch(ReadOnlySpan<byte> entry) => BinaryPrimitives.ReadInt64LittleEndian(entry[HeaderSize..]);

    public static int WriteCount(Span<byte> destination, int count)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination, count);
        return 4;
    }

    public static int EncodeWrite(Span<byte> destination, RecordWriteKind kind, long collectionId, ReadOnlySpan<byte> idUtf8, ReadOnlySpan<byte> payload, ReadOnlySpan<float> vector)
    {
        destination[0] = (byte)kind;
        destination[1] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], (ushort)idUtf8.Length);
        BinaryPrimitives.WriteInt64LittleEndian(destination[4..], collectionId);
        BinaryPrimitives.WriteInt32LittleEndian(destination[12..], payload.Length);
        BinaryPrimitives.WriteInt32LittleEndian(destination[16..], vector.Length);
        int offset = WriteHeaderSize;
        idUtf8.CopyTo(destination[offset..]);
        offset += idUtf8.Length;
        payload.CopyTo(destination[offset..]);
        offset += payload.Length;
        ReadOnlySpan<byte> vectorBytes = MemoryMarshal.AsBytes(vector);
        vectorBytes.CopyTo(destination[offset..]);
        return offset + vectorBytes.Length;
    }

    /// <exception cref="InvalidDataException">The entry is not a version-1 database entry.</exception>
    public static LogOpCode ReadHeader(ReadOnlySpan<byte> entry, long lsn, out long timestampUnixMs)
    {
        if (entry.Length < HeaderSize || entry[1] != Version)
        {
            throw new InvalidDataException($"Log entry LSN {lsn} ({entry.Length} bytes) is not a version-{Version} database entry.");
        }

        timestampUnixMs = BinaryPrimitives.ReadInt64LittleEndian(entry[4..]);
        return (LogOpCode)entry[0];
    }

    public static (string Name, int Dimension, DistanceMetric Metric) DecodeCreate(ReadOnlySpan<byte> entry)
    {
        ReadOnlySpan<byte> body = entry[HeaderSize..];
        int dimension = BinaryPrimitives.ReadInt32LittleEndian(body);
        var metric = (DistanceMetric)body[4];
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(body[6..]);
        return (Encoding.UTF8.GetString(body.Slice(8, nameLength)), dimension, metric);
    }

    /// <summary>The HNSW parameters of a create-collection entry; the defaults for an entry written before they were logged.</summary>
    public static (int M, int EfConstruction) DecodeCreateHnsw(ReadOnlySpan<byte> entry)
    {
        ReadOnlySpan<byte> body = entry[HeaderSize..];
        int end = 8 + BinaryPrimitives.ReadUInt16LittleEndian(body[6..]);
        if (body.Length < end + 8)
        {
            return (Index.TieredVectorIndex.DefaultM, Index.TieredVectorIndex.DefaultEfConstruction);
        }

        return (BinaryPrimitives.ReadInt32LittleEndian(body[end..]), BinaryPrimitives.ReadInt32LittleEndian(body[(end + 4)..]));
    }

    public static long DecodeDrop(ReadOnlySpan<byte> entry) => BinaryPrimitives.ReadInt64LittleEndian(entry[HeaderSize..]);

    /// <summary>Bytes of a create-payload-index entry for a field of <paramref name="fieldBytes"/> UTF-8 bytes.</summary>
    public static int CreatePayloadIndexSize(int fieldBytes) => HeaderSize + 10 + fieldBytes;

    public static int EncodeCreatePayloadIndex(Span<byte> entry, long timestampUnixMs, long collectionId, string field)
    {
        int offset = WriteHeader(entry, LogOpCode.CreatePayloadIndex, timestampUnixMs);
        BinaryPrimitives.WriteInt64LittleEndian(entry[offset..], collectionId);
        int fieldLength = Encoding.UTF8.GetBytes(field, entry[(offset + 10)..]);
        BinaryPrimitives.WriteUInt16LittleEndian(entry[(offset + 8)..], (ushort)fieldLength);
        return offset + 10 + fieldLength;
    }

    /// <exception cref="InvalidDataException">The entry is truncated.</exception>
    public static (long CollectionId, string Field) DecodeCreatePayloadIndex(ReadOnlySpan<byte> entry, long lsn)
    {
        ReadOnlySpan<byte> body = entry[HeaderSize..];
        if (body.Length < 10 || body.Length < 10 + BinaryPrimitives.ReadUInt16LittleEndian(body[8..]))
        {
            throw new InvalidDataException($"Log entry LSN {lsn}: the create-payload-index entry is truncated ({entry.Length} bytes).");
        }

        int fieldLength = BinaryPrimitives.ReadUInt16LittleEndian(body[8..]);
        return (BinaryPrimitives.ReadInt64LittleEndian(body), Encoding.UTF8.GetString(body.Slice(10, fieldLength)));
    }

    /// <summary>Decodes the writes of an entry into <paramref name="writes"/> (grown when too small); returns how many.</summary>
    /// <exception cref="InvalidDataException">The entry is truncated or inconsistent.</exception>
    public static int DecodeWrites(ReadOnlyMemory<byte> entry, long lsn, ref RecordWrite[] writes)
    {
        ReadOnlySpan<byte> span = entry.Span;
        int count = BinaryPrimitives.ReadInt32LittleEndian(span[HeaderSize..]);
        if (count < 0 || count > (span.Length - HeaderSize - 4) / WriteHeaderSize)
        {
            throw new InvalidDataException($"Log entry LSN {lsn} declares {count} writes in {span.Length} bytes.");
        }

        if (writes.Length < count)
        {
            writes = new RecordWrite[Math.Max(count, writes.Length * 2)];
        }

        int offset = HeaderSize + 4;
        for (int i = 0; i < count; i++)
        {
            if (offset + WriteHeaderSize > span.Length)
            {
                throw new InvalidDataException($"Log entry LSN {lsn} ends inside write {i}.");
            }

            ReadOnlySpan<byte> header = span.Slice(offset, WriteHeaderSize);
            var kind = (RecordWriteKind)header[0];
            int idLength = BinaryPrimitives.ReadUInt16LittleEndian(header[2..]);
            long collectionId = BinaryPrimitives.ReadInt64LittleEndian(header[4..]);
            int payloadLength = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
            int dimension = BinaryPrimitives.ReadInt32LittleEndian(header[16..]);
            offset += WriteHeaderSize;
            long end = (long)offset + idLength + payloadLength + (4L * dimension);
            if (payloadLength < 0 || dimension < 0 || end > span.Length || (kind != RecordWriteKind.Upsert && kind != RecordWriteKind.Delete))
            {
                throw new InvalidDataException($"Log entry LSN {lsn}: write {i} is malformed (kind {(byte)kind}, {payloadLength} payload bytes, dimension {dimension}).");
            }

            ReadOnlyMemory<byte> id = entry.Slice(offset, idLength);
            offset += idLength;
            ReadOnlyMemory<byte> payload = entry.Slice(offset, payloadLength);
            offset += payloadLength;
            ReadOnlyMemory<byte> vector = entry.Slice(offset, 4 * dimension);
            offset += 4 * dimension;
            writes[i] = new RecordWrite(collectionId, kind, id, payload, vector);
        }

        return count;
    }
}
