using System.Security.Cryptography;

namespace AgentDb.Memory.Provenance;

/// <summary>
/// A binary SHA-256 Merkle tree over leaf hashes, with domain separation (RFC 6962 style): a leaf node is
/// <c>SHA-256(0x00 ‖ leaf)</c>, an inner node <c>SHA-256(0x01 ‖ left ‖ right)</c>; an odd node at the end of a level is
/// carried up unchanged. The root of no leaves is <c>SHA-256("")</c>.
/// </summary>
public static class MerkleTree
{
    /// <summary>The length of every hash, in bytes.</summary>
    public const int HashSize = 32;

    /// <summary>The root over <paramref name="leaves"/> (each 32 bytes).</summary>
    public static byte[] Root(IReadOnlyList<byte[]> leaves)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        if (leaves.Count == 0)
        {
            return SHA256.HashData(ReadOnlySpan<byte>.Empty);
        }

        byte[][] level = LeafLevel(leaves);
        while (level.Length > 1)
        {
            level = NextLevel(level);
        }

        return level[0];
    }

    /// <summary>
    /// The inclusion proof of leaf <paramref name="index"/>: from the bottom up, each sibling hash and whether it sits on
    /// the left. Levels where the node has no sibling contribute nothing.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the leaves.</exception>
    public static IReadOnlyList<MerkleProofStep> Proof(IReadOnlyList<byte[]> leaves, int index)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, leaves.Count);
        var steps = new List<MerkleProofStep>();
        byte[][] level = LeafLevel(leaves);
        while (level.Length > 1)
        {
            int sibling = index ^ 1;
            if (sibling < level.Length)
            {
                steps.Add(new MerkleProofStep(level[sibling], SiblingOnLeft: sibling < index));
            }

            level = NextLevel(level);
            index /= 2;
        }

        return steps;
    }

    /// <summary>Whether <paramref name="leaf"/> with <paramref name="proof"/> leads to <paramref name="root"/>.</summary>
    public static bool VerifyProof(ReadOnlySpan<byte> leaf, IReadOnlyList<MerkleProofStep> proof, ReadOnlySpan<byte> root)
    {
        ArgumentNullException.ThrowIfNull(proof);
        byte[] node = HashLeaf(leaf);
        foreach (MerkleProofStep step in proof)
        {
            node = step.SiblingOnLeft ? HashInner(step.Sibling, node) : HashInner(node, step.Sibling);
        }

        return CryptographicOperations.FixedTimeEquals(node, root);
    }

    private static byte[][] LeafLevel(IReadOnlyList<byte[]> leaves)
    {
        var level = new byte[leaves.Count][];
        for (int i = 0; i < level.Length; i++)
        {
            level[i] = HashLeaf(leaves[i]);
        }

        return level;
    }

    private static byte[][] NextLevel(byte[][] level)
    {
        var next = new byte[(level.Length + 1) / 2][];
        for (int i = 0; i < next.Length; i++)
        {
            int left = 2 * i;
            next[i] = left + 1 < level.Length ? HashInner(level[left], level[left + 1]) : level[left];
        }

        return next;
    }

    private static byte[] HashLeaf(ReadOnlySpan<byte> leaf)
    {
        Span<byte> buffer = stackalloc byte[1 + HashSize];
        if (leaf.Length != HashSize)
        {
            throw new ArgumentException($"A Merkle leaf must be {HashSize} bytes, not {leaf.Length}.", nameof(leaf));
        }

        buffer[0] = 0;
        leaf.CopyTo(buffer[1..]);
        return SHA256.HashData(buffer);
    }

    private static byte[] HashInner(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> buffer = stackalloc byte[1 + (2 * HashSize)];
        buffer[0] = 1;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + HashSize)..]);
        return SHA256.HashData(buffer);
    }
}

/// <summary>One step of a Merkle inclusion proof: the sibling's hash and its side.</summary>
public sealed record MerkleProofStep(byte[] Sibling, bool SiblingOnLeft);
