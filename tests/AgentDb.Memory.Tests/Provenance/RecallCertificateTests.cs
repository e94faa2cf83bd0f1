using AgentDb.Kernels;
using AgentDb.Memory.Provenance;
using AgentDb.Memory.Stores;
using AgentDb.Engine.Tests.Support;

namespace AgentDb.Memory.Tests.Provenance;

public sealed class RecallCertificateTests
{
    [Fact]
    public void VerifiesUntilARecordIsTamperedWithOrDeleted()
    {
        using var dir = new TempDirectory("agentdb-mem");
        using MemoryStores stores = MemoryStores.Open(dir.Path, new MemoryStoreLayout(), "stub", 4);
        AgentDatabase store = stores.Store(MemoryKind.Reflexion);
        store.CreateCollection("c", 4, DistanceMetric.Cosine);
        store.Upsert("c", "a", [1, 2, 3], [1f, 0, 0, 0]);
        store.Upsert("c", "b", [4, 5], [0, 1f, 0, 0]);
        store.Upsert("c", "d", [6], [0, 0, 1f, 0]);

        var items = new List<CertifiedItem>();
        foreach (string id in new[] { "b", "a", "d" })
        {
            items.Add(RecallCertificate.Certify(MemoryKind.Reflexion, 0, "c", store.Get("c", id)!));
        }

        RecallCertificate certificate = RecallCertificate.Create(items);
        Assert.True(certificate.Verify(stores).IsValid);
        for (int i = 0; i < items.Count; i++)
        {
            Assert.True(MerkleTree.VerifyProof(RecallCertificate.LeafHash(certificate.Items[i]), certificate.ProofFor(i), certificate.MerkleRoot));
        }

        store.Upsert("c", "a", [1, 2, 3], [1f, 0, 0, 0.001f]); // the vector changed, the payload did not
        CertificateVerification tampered = certificate.Verify(stores);
        Assert.False(tampered.IsValid);
        Assert.Contains(tampered.Problems, p => p.Contains("/a:", StringComparison.Ordinal) && p.Contains("changed", StringComparison.Ordinal));

        store.Upsert("c", "a", [1, 2, 3], [1f, 0, 0, 0]); // restored exactly: valid again
        Assert.True(certificate.Verify(stores).IsValid);

        store.Delete("c", "d");
        Assert.Contains(certificate.Verify(stores).Problems, p => p.Contains("no longer exists", StringComparison.Ordinal));
    }

    [Fact]
    public void AnEditedCertificateFailsOnItsRoot()
    {
        using var dir = new TempDirectory("agentdb-mem");
        using MemoryStores stores = MemoryStores.Open(dir.Path, new MemoryStoreLayout(), "stub", 4);
        AgentDatabase store = stores.Store(MemoryKind.Skills);
        store.CreateCollection("c", 1, DistanceMetric.Cosine);
        store.Upsert("c", "x", [9]);
        store.Upsert("c", "y", [8]);
        RecallCertificate original = RecallCertificate.Create([RecallCertificate.Certify(MemoryKind.Skills, 0, "c", store.Get("c", "x")!)]);

        // Claim a different (existing, intact) record under the same root.
        RecallCertificate edited = RecallCertificate.FromParts(
            [RecallCertificate.Certify(MemoryKind.Skills, 0, "c", store.Get("c", "y")!)], original.MerkleRoot, original.CreatedUnixMs);
        CertificateVerification result = edited.Verify(stores);
        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, p => p.Contains("Merkle root", StringComparison.Ordinal));
    }

    [Fact]
    public void ContentHashSeparatesFields()
    {
        byte[] a = RecallCertificate.HashContent("c", "ab", [1], null);
        byte[] b = RecallCertificate.HashContent("ca", "b", [1], null);
        byte[] c = RecallCertificate.HashContent("c", "ab", [1], Array.Empty<float>());
        Assert.NotEqual(a, b);
        Assert.NotEqual(a, c);
    }
}
