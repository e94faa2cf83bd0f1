using System.Buffers.Binary;

namespace AgentDb.Storage;

/// <summary>
/// Key layouts. In a collection's column family: <c>0x01 + id (UTF-8)</c> → record value, and
/// <c>0x02 + internalId (u64 big-endian)</c> → id, so search hits (internal ids) resolve to records.
/// In the <c>meta</c> column family: <c>"format"</c>, <c>"applied_lsn"</c> and <c>0x10 + collectionId (big-endian)</c> →
/// the collection's descriptor, <c>0x11 + collectionId (big-endian)</c> → the names of its payload-indexed fields
/// (<c>u16 count</c>, then per field <c>u16 length, UTF-8</c>; absent when it has none).
/// </summary>
/// <remarks>Persisted format: prefixes are append-only.</remarks>
internal static class StorageKeys
{
    public const byte RecordPrefix = 0x01;
    public const byte InternalIdPrefix = 0x02;
    public const byte CollectionPrefix = 0x10;
    public const byte PayloadIndexPrefix = 0x11;
    public const int MaxIdBytes = 512;
    public const int MaxRecordKeyLength = 1 + MaxIdBytes;

    public static ReadOnlySpan<byte> FormatKey => "format"u8;

    public static ReadOnlySpan<byte> AppliedLsnKey => "applied_lsn"u8;

    public static int WriteRecordKey(Span<byte> destination, ReadOnlySpan<byte> idUtf8)
    {
        destination[0] = RecordPrefix;
        idUtf8.CopyTo(destination[1..]);
        return 1 + idUtf8.Length;
    }

    public static void WriteInternalIdKey(Span<byte> destination, long internalId)
    {
        destination[0] = InternalIdPrefix;
        BinaryPrimitives.WriteInt64BigEndian(destination[1..], internalId);
    }

    public static void WriteCollectionKey(Span<byte> destination, long collectionId)
    {
        destination[0] = CollectionPrefix;
        BinaryPrimitives.WriteInt64BigEndian(destination[1..], collectionId);
    }

    public static void WritePayloadIndexKey(Span<byte> destination, long collectionId)
    {
        destination[0] = PayloadIndexPrefix;
        BinaryPrimitives.WriteInt64BigEndian(destination[1..], collectionId);
    }
}
