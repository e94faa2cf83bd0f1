using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AgentDb.Index.Hnsw;

/// <summary>
/// The arrays of a mutable HNSW graph at one capacity: vectors back to back, level-0 links in one flat block of
/// fixed-size lists, upper-level links in one small array per node that has any, ids, levels, tombstones and one
/// lock word per node.
/// </summary>
/// <remarks>
/// <para>
/// Growing never moves data under a running operation: <see cref="GrowTo"/> builds a new instance while no writer is
/// active (the index holds its resize lock exclusively), and searches that still hold the old instance read it
/// unchanged, since writers only ever touch the current one. A link list of an instance names only nodes below that
/// instance's capacity.
/// </para>
/// <para>
/// A link list is <c>[count, link 0, link 1, …]</c>. The lock word of a node is a sequence lock over all its lists:
/// odd while a writer holds it. Writers take it with a compare-exchange (one writer per node, as hnswlib's per-node
/// mutex); readers never block writers: they copy a list and retry if the word changed meanwhile, so they never see a
/// list half rewritten.
/// </para>
/// </remarks>
internal sealed class GraphStorage
{
    private const int AlignmentFloats = 64 / sizeof(float);
    private readonly float[] _vectorArray;
    private readonly int _vectorOffset;

    public GraphStorage(int dimension, int m, int capacity)
    {
        Dimension = dimension;
        M = m;
        MaxDegree0 = 2 * m;
        Capacity = capacity;
        // On the pinned heap, so the array never moves and the 64-byte-aligned window into it stays aligned:
        // the wide kernels then never split a cache line on the stored side (as in a segment file's vector block).
        _vectorArray = GC.AllocateUninitializedArray<float>(checked((dimension * capacity) + AlignmentFloats), pinned: true);
        _vectorOffset = AlignedOffset(_vectorArray);
        Level0 = new int[checked(Level0Stride * capacity)];
        Upper = new int[capacity][];
        Levels = new byte[capacity];
        Ids = new long[capacity];
        Deleted = new byte[capacity];
        LockWords = new int[capacity];
    }

    public int Dimension { get; }

    /// <summary>Links per upper-level list.</summary>
    public int M { get; }

    /// <summary>Links per level-0 list.</summary>
    public int MaxDegree0 { get; }

    public int Capacity { get; }

    /// <summary>Ints per level-0 list: the count, then the links.</summary>
    public int Level0Stride => 1 + MaxDegree0;

    /// <summary>Ints per upper-level list: the count, then the links.</summary>
    public int UpperStride => 1 + M;

    /// <summary>Every node's vector back to back, starting on a 64-byte boundary.</summary>
    public Span<float> Vectors => _vectorArray.AsSpan(_vectorOffset, Dimension * Capacity);

    public int[] Level0 { get; }

    /// <summary>Per node, its lists for levels 1.. back to back (level l at <c>(l - 1) * UpperStride</c>); empty for level-0 nodes.</summary>
    public int[][] Upper { get; }

    public byte[] Levels { get; }

    public long[] Ids { get; }

    /// <summary>1 for a deleted node. Written under the index's add lock, read racily by searches.</summary>
    public byte[] Deleted { get; }

    public int[] LockWords { get; }

    /// <summary>A copy of this storage with room for <paramref name="capacity"/> nodes. Only while no writer runs.</summary>
    public GraphStorage GrowTo(int capacity, int nodeCount)
    {
        Debug.Assert(capacity >= Capacity && nodeCount <= Capacity);
        var grown = new GraphStorage(Dimension, M, capacity);
        Vectors[..(nodeCount * Dimension)].CopyTo(grown.Vectors);
        Level0.AsSpan(0, nodeCount * Level0Stride).CopyTo(grown.Level0);
        for (int node = 0; node < nodeCount; node++)
        {
            // Cloned, not shared: writers after the growth must not change lists that readers of this instance
            // check against this instance's lock words.
            int[] upper = Upper[node];
            grown.Upper[node] = upper.Length == 0 ? upper : (int[])upper.Clone();
        }

        Levels.AsSpan(0, nodeCount).CopyTo(grown.Levels);
        Ids.AsSpan(0, nodeCount).CopyTo(grown.Ids);
        Deleted.AsSpan(0, nodeCount).CopyTo(grown.Deleted);
        return grown;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<float> GetVector(int node) => new(_vectorArray, _vectorOffset + (node * Dimension), Dimension);

    public Span<float> GetVectorForWrite(int node) => new(_vectorArray, _vectorOffset + (node * Dimension), Dimension);

    /// <summary>The element index in a pinned <paramref name="array"/> whose address is a multiple of 64 bytes.</summary>
    private static unsafe int AlignedOffset(float[] array)
    {
        nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        return (int)((64 - (address % 64)) % 64 / sizeof(float));
    }

    /// <summary>Reads a consistent copy of a list into <paramref name="buffer"/> without taking the node's lock.</summary>
    public ReadOnlySpan<int> ReadNeighbors(int node, int level, Span<int> buffer)
    {
        int[] links = ListArray(node, level, out int offset, out int maxDegree);
        ref int lockWord = ref LockWords[node];
        SpinWait spin = default;
        while (true)
        {
            int before = Volatile.Read(ref lockWord);
            if ((before & 1) == 0)
            {
                // A count read while a writer slipped in may be garbage; the retry below discards it.
                int count = links[offset];
                if ((uint)count > (uint)maxDegree)
                {
                    count = 0;
                }

                links.AsSpan(offset + 1, count).CopyTo(buffer);

                // The copy's loads must complete before the lock word is read again (a seqlock's read fence).
                Interlocked.MemoryBarrier();
                if (Volatile.Read(ref lockWord) == before)
                {
                    return buffer[..count];
                }
            }

            spin.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>The raw list <c>[count, links…]</c> of a node; only to be read or written while holding its lock.</summary>
    public Span<int> LockedList(int node, int level)
    {
        int[] links = ListArray(node, level, out int offset, out int maxDegree);
        return links.AsSpan(offset, 1 + maxDegree);
    }

    public void Lock(int node)
    {
        ref int lockWord = ref LockWords[node];
        SpinWait spin = default;
        while (true)
        {
            int word = Volatile.Read(ref lockWord);
            if ((word & 1) == 0 && Interlocked.CompareExchange(ref lockWord, word + 1, word) == word)
            {
                return;
            }

            spin.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>Releases the node's lock; the release write publishes every list write made under it.</summary>
    public void Unlock(int node)
    {
        ref int lockWord = ref LockWords[node];
        Debug.Assert((lockWord & 1) == 1);
        Volatile.Write(ref lockWord, lockWord + 1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int[] ListArray(int node, int level, out int offset, out int maxDegree)
    {
        if (level == 0)
        {
            offset = node * Level0Stride;
            maxDegree = MaxDegree0;
            return Level0;
        }

        offset = (level - 1) * UpperStride;
        maxDegree = M;
        return Upper[node];
    }
}
