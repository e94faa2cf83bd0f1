using AgentDb.Storage;

namespace AgentDb.Engine.Tests.Storage;

/// <summary>Golden values of enums and constants persisted in log entries and RocksDB: changing one breaks existing data.</summary>
public sealed class PersistedFormatTests
{
    [Fact]
    public void LogOpCodes_NeverChange()
    {
        Assert.Equal(1, (byte)LogOpCode.CreateCollection);
        Assert.Equal(2, (byte)LogOpCode.DropCollection);
        Assert.Equal(3, (byte)LogOpCode.Writes);
        Assert.Equal(4, (byte)LogOpCode.Epoch);
        Assert.Equal(5, (byte)LogOpCode.CreatePayloadIndex);
    }

    [Fact]
    public void RecordWriteKinds_NeverChange()
    {
        Assert.Equal(1, (byte)RecordWriteKind.Upsert);
        Assert.Equal(2, (byte)RecordWriteKind.Delete);
    }

    [Fact]
    public void KeyPrefixesAndHeaderSizes_NeverChange()
    {
        Assert.Equal(0x01, StorageKeys.RecordPrefix);
        Assert.Equal(0x02, StorageKeys.LegacyInternalIdPrefix);
        Assert.Equal(8, StorageKeys.InternalIdKeyLength);
        Assert.Equal("c7", CollectionDescriptor.ColumnFamilyName(7));
        Assert.Equal("i7", CollectionDescriptor.IdsColumnFamilyName(7));
        Assert.Equal(0x10, StorageKeys.CollectionPrefix);
        Assert.Equal(0x11, StorageKeys.PayloadIndexPrefix);
        Assert.Equal(48, RecordValueCodec.HeaderSize);
        Assert.Equal(12, LogEntryCodec.HeaderSize);
        Assert.Equal(20, LogEntryCodec.WriteHeaderSize);
        Assert.Equal(40, AgentDb.Log.LogEntryHeader.Size);
    }

    [Fact]
    public void RecordValue_RoundTripsThroughTheCodec()
    {
        float[] vector = [1.5f, -2f, 3.25f];
        byte[] payload = [1, 2, 3, 4, 5];
        byte[] value = new byte[RecordValueCodec.EncodedLength(payload.Length, vector.Length * 4)];
        RecordValueCodec.Encode(value, payload, System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan()), 42, 1000, 2000, 77);
        Assert.Equal(1, value[0]); // version
        StoredRecord record = RecordValueCodec.ToRecord("id"u8, value);
        Assert.Equal(("id", 1000L, 2000L, 77L), (record.Id, record.CreatedUnixMs, record.UpdatedUnixMs, record.Lsn));
        Assert.Equal(payload, record.Payload);
        Assert.Equal(vector, record.Vector);
        Assert.Equal(42, RecordValueCodec.ReadHeader(value).InternalId);
        value[0] = 9;
        Assert.Throws<InvalidDataException>(() => RecordValueCodec.ReadHeader(value));
    }
}
