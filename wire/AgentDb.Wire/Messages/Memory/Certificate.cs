using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>A recall certificate: <c>[items: [CertificateItem...], merkleRoot: bin(32), createdUnixMs: int]</c>.
/// Proof of what a retrieval returned; CERTIFICATE_VERIFY checks it against the stored records.</summary>
public sealed class Certificate
{
    /// <summary>Creates a certificate.</summary>
    public Certificate(IReadOnlyList<CertificateItem> items, byte[] merkleRoot, long createdUnixMs)
    {
        Items = items;
        MerkleRoot = merkleRoot;
        CreatedUnixMs = createdUnixMs;
    }

    /// <summary>The certified records, in result order.</summary>
    public IReadOnlyList<CertificateItem> Items { get; }

    /// <summary>The Merkle root over the items (32 bytes).</summary>
    public byte[] MerkleRoot { get; }

    /// <summary>When the certificate was made (Unix milliseconds).</summary>
    public long CreatedUnixMs { get; }

    internal void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(3);
        writer.WriteArrayHeader(Items.Count);
        for (var i = 0; i < Items.Count; i++)
        {
            Items[i].Write(ref writer);
        }
        writer.Write(MerkleRoot);
        writer.Write(CreatedUnixMs);
    }

    internal static Certificate Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 3, "certificate");
        var entries = Fields.ReadListCount(ref reader, "certificate.items", MemoryWireLimits.MaxCertificateItems);
        var items = new CertificateItem[entries];
        for (var i = 0; i < entries; i++)
        {
            items[i] = CertificateItem.Read(ref reader);
        }
        var root = MemoryFields.ReadHash(ref reader, "certificate.merkleRoot");
        var created = Fields.ReadInt64(ref reader, "certificate.createdUnixMs");
        Fields.SkipExtraFields(ref reader, count, 3);
        return new Certificate(items, root, created);
    }

    /// <summary>Writes a certificate or nil.</summary>
    internal static void WriteNullable(ref MessagePackWriter writer, Certificate? certificate)
    {
        if (certificate is null)
        {
            writer.WriteNil();
        }
        else
        {
            certificate.Write(ref writer);
        }
    }

    /// <summary>Reads a certificate or nil.</summary>
    internal static Certificate? ReadNullable(ref MessagePackReader reader) => reader.TryReadNil() ? null : Read(ref reader);
}
