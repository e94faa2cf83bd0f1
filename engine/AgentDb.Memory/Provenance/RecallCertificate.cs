using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using AgentDb.Memory.Stores;

namespace AgentDb.Memory.Provenance;

/// <summary>
/// Proof of what a retrieval returned: the ids and content hashes of the returned records, in result order, and a
/// Merkle root over them. <see cref="Verify"/> later checks it against the stored records: a record changed or deleted
/// since, or a certificate edited after the fact, fails verification. <see cref="ProofFor"/> gives one item's inclusion
/// proof, so a single result can be checked against the root alone.
/// </summary>
public sealed class RecallCertificate
{
    private RecallCertificate(IReadOnlyList<CertifiedItem> items, byte[] merkleRoot, long createdUnixMs)
    {
        Items = items;
        MerkleRoot = merkleRoot;
        CreatedUnixMs = createdUnixMs;
    }

    /// <summary>The certified records, in result order.</summary>
    public IReadOnlyList<CertifiedItem> Items { get; }

    /// <summary>The Merkle root over the items' leaf hashes (<see cref="LeafHash"/>).</summary>
    public byte[] MerkleRoot { get; }

    /// <summary>When the certificate was made (Unix milliseconds).</summary>
    public long CreatedUnixMs { get; }

    /// <summary>The Merkle root as lowercase hex.</summary>
    public string MerkleRootHex => Convert.ToHexStringLower(MerkleRoot);

    /// <summary>Certifies <paramref name="items"/> (in result order).</summary>
    public static RecallCertificate Create(IReadOnlyList<CertifiedItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var copy = new CertifiedItem[items.Count];
        for (int i = 0; i < copy.Length; i++)
        {
            copy[i] = items[i];
        }

        return new RecallCertificate(copy, MerkleTree.Root(Leaves(copy)), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    /// <summary>Rebuilds a certificate received from elsewhere (for example over the wire) without recomputing its root.</summary>
    public static RecallCertificate FromParts(IReadOnlyList<CertifiedItem> items, byte[] merkleRoot, long createdUnixMs)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(merkleRoot);
        return new RecallCertificate(items, merkleRoot, createdUnixMs);
    }

    /// <summary>The certificate item for <paramref name="record"/> read from <paramref name="collection"/> of a store.</summary>
    public static CertifiedItem Certify(MemoryKind kind, int shard, string collection, StoredRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new CertifiedItem(kind, shard, collection, record.Id, HashContent(collection, record.Id, record.Payload, record.Vector));
    }

    /// <summary>
    /// SHA-256 over the collection, id, payload and vector, each length-prefixed (little-endian int32; the vector as its
    /// float count then its IEEE-754 little-endian bytes, count −1 when absent).
    /// </summary>
    public static byte[] HashContent(string collection, string id, ReadOnlySpan<byte> payload, float[]? vector)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Content hashes are defined on little-endian machines.");
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        AppendString(hash, collection, length);
        AppendString(hash, id, length);
        BinaryPrimitives.WriteInt32LittleEndian(length, payload.Length);
        hash.AppendData(length);
        hash.AppendData(payload);
        BinaryPrimitives.WriteInt32LittleEndian(length, vector is null ? -1 : vector.Length);
        hash.AppendData(length);
        if (vector is not null)
        {
            hash.AppendData(MemoryMarshal.AsBytes(vector.AsSpan()));
        }

        return hash.GetHashAndReset();
    }

    /// <summary>The Merkle leaf of an item: SHA-256 over its kind, shard, collection, id and content hash.</summary>
    public static byte[] LeafHash(CertifiedItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, (int)item.Kind);
        hash.AppendData(length);
        BinaryPrimitives.WriteInt32LittleEndian(length, item.Shard);
        hash.AppendData(length);
        AppendString(hash, item.Collection, length);
        AppendString(hash, item.Id, length);
        hash.AppendData(item.ContentHash);
        return hash.GetHashAndReset();
    }

    /// <summary>The inclusion proof of item <paramref name="index"/> against <see cref="MerkleRoot"/>.</summary>
    public IReadOnlyList<MerkleProofStep> ProofFor(int index) => MerkleTree.Proof(Leaves(Items), index);

    /// <summary>
    /// Checks the certificate: its root matches its items, and every item's record still exists in
    /// <paramref name="stores"/> with the same content.
    /// </summary>
    public CertificateVerification Verify(MemoryStores stores)
    {
        ArgumentNullException.ThrowIfNull(stores);
        var problems = new List<string>();
        if (!CryptographicOperations.FixedTimeEquals(MerkleTree.Root(Leaves(Items)), MerkleRoot))
        {
            problems.Add("the Merkle root does not match the certificate's items");
        }

        foreach (CertifiedItem item in Items)
        {
            if (item.Shard < 0 || item.Shard >= stores.ShardCount(item.Kind))
            {
                problems.Add($"{item.Kind}/{item.Collection}/{item.Id}: shard {item.Shard} does not exist");
                continue;
            }

            AgentDatabase store = stores.Shard(item.Kind, item.Shard);
            StoredRecord? record;
            try
            {
                record = store.Get(item.Collection, item.Id);
            }
            catch (CollectionNotFoundException)
            {
                record = null;
            }

            if (record is null)
            {
                problems.Add($"{item.Kind}/{item.Collection}/{item.Id}: the record no longer exists");
            }
            else if (!CryptographicOperations.FixedTimeEquals(HashContent(item.Collection, item.Id, record.Payload, record.Vector), item.ContentHash))
            {
                problems.Add($"{item.Kind}/{item.Collection}/{item.Id}: the record's content has changed");
            }
        }

        return new CertificateVerification(problems.Count == 0, problems);
    }

    private static List<byte[]> Leaves(IReadOnlyList<CertifiedItem> items)
    {
        var leaves = new List<byte[]>(items.Count);
        foreach (CertifiedItem item in items)
        {
            leaves.Add(LeafHash(item));
        }

        return leaves;
    }

    private static void AppendString(IncrementalHash hash, string value, Span<byte> length)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(value);
        BinaryPrimitives.WriteInt32LittleEndian(length, utf8.Length);
        hash.AppendData(length);
        hash.AppendData(utf8);
    }
}

/// <summary>The outcome of <see cref="RecallCertificate.Verify"/>.</summary>
/// <param name="IsValid">True when the root and every record check out.</param>
/// <param name="Problems">What failed, one line per problem.</param>
public sealed record CertificateVerification(bool IsValid, IReadOnlyList<string> Problems);
