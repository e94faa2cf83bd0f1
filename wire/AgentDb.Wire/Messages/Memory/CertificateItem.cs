using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>One record a certificate names: <c>[kind: uint, shard: uint, collection: str, id: str, contentHash:
/// bin(32)]</c>. <c>kind</c>: 0 reflexion, 1 skills, 2 causal, 3 graph.</summary>
public sealed class CertificateItem
{
    /// <summary>The largest kind value.</summary>
    public const int MaxKind = 255;

    /// <summary>Creates an item.</summary>
    public CertificateItem(int kind, int shard, string collection, string id, byte[] contentHash)
    {
        Kind = kind;
        Shard = shard;
        Collection = collection;
        Id = id;
        ContentHash = contentHash;
    }

    /// <summary>The kind of memory (which store): 0 reflexion, 1 skills, 2 causal, 3 graph.</summary>
    public int Kind { get; }

    /// <summary>The store's shard (0 unless episodes are partitioned by session).</summary>
    public int Shard { get; }

    /// <summary>The collection in that store.</summary>
    public string Collection { get; }

    /// <summary>The record's id.</summary>
    public string Id { get; }

    /// <summary>SHA-256 of the record's content (32 bytes).</summary>
    public byte[] ContentHash { get; }

    internal void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(5);
        writer.Write(Kind);
        writer.Write(Shard);
        writer.Write(Collection);
        writer.Write(Id);
        writer.Write(ContentHash);
    }

    internal static CertificateItem Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 5, "certificate item");
        var kind = (int)Fields.ReadUInt32(ref reader, "item.kind", MaxKind);
        var shard = (int)Fields.ReadUInt32(ref reader, "item.shard", int.MaxValue);
        var collection = Fields.ReadString(ref reader, WireLimits.MaxNameBytes, "item.collection");
        var id = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "item.id");
        var hash = MemoryFields.ReadHash(ref reader, "item.contentHash");
        Fields.SkipExtraFields(ref reader, count, 5);
        return new CertificateItem(kind, shard, collection, id, hash);
    }
}
