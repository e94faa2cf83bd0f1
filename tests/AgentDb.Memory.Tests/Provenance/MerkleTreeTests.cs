using System.Security.Cryptography;
using AgentDb.Memory.Provenance;

namespace AgentDb.Memory.Tests.Provenance;

public sealed class MerkleTreeTests
{
    private static List<byte[]> Leaves(int count)
    {
        var leaves = new List<byte[]>();
        for (int i = 0; i < count; i++)
        {
            leaves.Add(SHA256.HashData(BitConverter.GetBytes(i)));
        }

        return leaves;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(16)]
    [InlineData(33)]
    public void EveryLeafProvesAgainstTheRoot(int count)
    {
        List<byte[]> leaves = Leaves(count);
        byte[] root = MerkleTree.Root(leaves);
        for (int i = 0; i < count; i++)
        {
            Assert.True(MerkleTree.VerifyProof(leaves[i], MerkleTree.Proof(leaves, i), root));
        }
    }

    [Fact]
    public void AChangedLeafOrOrderChangesTheRootAndFailsItsProof()
    {
        List<byte[]> leaves = Leaves(5);
        byte[] root = MerkleTree.Root(leaves);
        IReadOnlyList<MerkleProofStep> proof = MerkleTree.Proof(leaves, 2);
        byte[] tampered = (byte[])leaves[2].Clone();
        tampered[0] ^= 1;
        Assert.False(MerkleTree.VerifyProof(tampered, proof, root));

        List<byte[]> swapped = Leaves(5);
        (swapped[0], swapped[1]) = (swapped[1], swapped[0]);
        Assert.NotEqual(root, MerkleTree.Root(swapped));
    }

    [Fact]
    public void OneLeafRootIsNotTheLeafItself()
    {
        List<byte[]> leaves = Leaves(1);
        Assert.NotEqual(leaves[0], MerkleTree.Root(leaves));
        Assert.Throws<ArgumentException>(() => MerkleTree.Root([new byte[5]]));
    }
}
