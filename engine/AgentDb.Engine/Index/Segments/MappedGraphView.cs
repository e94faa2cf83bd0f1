using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using AgentDb.Index.Hnsw;

namespace AgentDb.Index.Segments;

/// <summary>
/// An <see cref="IGraphView"/> over a mapped segment file: every read goes straight to the mapping, nothing is copied.
/// Counts, links and id-index entries are range-checked as they are read, so even a file changed under the mapping
/// raises <see cref="SegmentCorruptedException"/> instead of reading outside it.
/// </summary>
internal readonly unsafe struct MappedGraphView : IGraphView
{
    private readonly float* _vectors;
    private readonly int* _level0;
    private readonly uint* _upperOffsets;
    private readonly int* _upperLinks;
    private readonly long* _ids;
    private readonly int* _idIndex;
    private readonly ulong* _deleted;
    private readonly long _upperLinkCount;
    private readonly int _dimension;
    private readonly int _nodeCount;
    private readonly int _liveCount;
    private readonly int _indexedCount;
    private readonly int _m;
    private readonly int _maxDegree0;
    private readonly int _entryPoint;
    private readonly int _maxLevel;
    private readonly string _path;
    private readonly byte* _base;
    private readonly ulong[]? _tombstones;

    /// <summary>
    /// A view of a mapping whose header <paramref name="header"/> has passed validation. <paramref name="tombstones"/>,
    /// if any, marks further deleted nodes (deletes made after the file was written) with the bitmap block's layout.
    /// </summary>
    public MappedGraphView(SegmentMapping mapping, in SegmentHeader header, string path, ulong[]? tombstones, int liveCount)
    {
        byte* at = mapping.Pointer;
        _base = at;
        _vectors = (float*)(at + header.Table[(int)SegmentBlock.Vectors].Offset);
        _level0 = (int*)(at + header.Table[(int)SegmentBlock.Level0Links].Offset);
        _upperOffsets = (uint*)(at + header.Table[(int)SegmentBlock.UpperOffsets].Offset);
        _upperLinks = (int*)(at + header.Table[(int)SegmentBlock.UpperLinks].Offset);
        _ids = (long*)(at + header.Table[(int)SegmentBlock.Ids].Offset);
        _idIndex = (int*)(at + header.Table[(int)SegmentBlock.IdIndex].Offset);
        _deleted = (ulong*)(at + header.Table[(int)SegmentBlock.Deleted].Offset);
        _upperLinkCount = (long)(header.Table[(int)SegmentBlock.UpperLinks].Length / sizeof(int));
        _dimension = (int)header.Dimension;
        _nodeCount = (int)header.NodeCount;
        _indexedCount = (int)header.LiveCount;
        _liveCount = liveCount;
        _tombstones = tombstones;
        _m = (int)header.M;
        _maxDegree0 = (int)header.MaxDegree0;
        _entryPoint = header.EntryPoint;
        _maxLevel = header.MaxLevel;
        _path = path;
    }

    public int NodeBound => _nodeCount;

    public int MaxDegree => _maxDegree0;

    public int EntryPoint => _entryPoint;

    public int MaxLevel => _maxLevel;

    public int LiveCount => _liveCount;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<float> GetVector(int node)
    {
        Debug.Assert((uint)node < (uint)_nodeCount);
        return new ReadOnlySpan<float>(_vectors + ((long)node * _dimension), _dimension);
    }

    public ReadOnlySpan<int> GetNeighbors(int node, int level, Span<int> buffer)
    {
        Debug.Assert((uint)node < (uint)_nodeCount);
        int* list;
        int maxDegree;
        SegmentBlock block;
        if (level == 0)
        {
            list = _level0 + ((long)node * (1 + _maxDegree0));
            maxDegree = _maxDegree0;
            block = SegmentBlock.Level0Links;
        }
        else
        {
            uint start = _upperOffsets[node];
            uint end = _upperOffsets[node + 1];
            long at = start + ((long)(level - 1) * (1 + _m));
            if (end > _upperLinkCount || at + 1 + _m > end)
            {
                ThrowCorrupted(SegmentBlock.UpperOffsets, _upperOffsets + node, $"node {node} has no list on level {level}");
            }

            list = _upperLinks + at;
            maxDegree = _m;
            block = SegmentBlock.UpperLinks;
        }

        int count = list[0];
        if ((uint)count > (uint)maxDegree)
        {
            ThrowCorrupted(block, list, $"a list of node {node} holds {count} links; at most {maxDegree} fit");
        }

        var links = new ReadOnlySpan<int>(list + 1, count);
        foreach (int link in links)
        {
            if ((uint)link >= (uint)_nodeCount)
            {
                ThrowCorrupted(block, list, $"node {node} links to node {link}; there are {_nodeCount}");
            }
        }

        return links;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsDeleted(int node) =>
        (((_deleted[node >> 6] | (_tombstones is null ? 0 : _tombstones[node >> 6])) >> (node & 63)) & 1) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long GetId(int node) => _ids[node];

    /// <summary>Binary search of the id index (nodes live when the file was written, by ascending id).</summary>
    public bool TryGetNode(long id, out int node)
    {
        int low = 0;
        int high = _indexedCount - 1;
        while (low <= high)
        {
            int middle = (int)((uint)(low + high) >> 1);
            int candidate = _idIndex[middle];
            if ((uint)candidate >= (uint)_nodeCount)
            {
                ThrowCorrupted(SegmentBlock.IdIndex, _idIndex + middle, $"entry {middle} names node {candidate}; there are {_nodeCount}");
            }

            long candidateId = _ids[candidate];
            if (candidateId == id)
            {
                node = candidate;
                return true;
            }

            if (candidateId < id)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        node = -1;
        return false;
    }

    /// <summary>The node of the <paramref name="rank"/>-th entry of the id index (live when written, by ascending id).</summary>
    public int LiveNodeByRank(int rank)
    {
        Debug.Assert((uint)rank < (uint)_indexedCount);
        int node = _idIndex[rank];
        if ((uint)node >= (uint)_nodeCount)
        {
            ThrowCorrupted(SegmentBlock.IdIndex, _idIndex + rank, $"entry {rank} names node {node}; there are {_nodeCount}");
        }

        return node;
    }

    [DoesNotReturn]
    private void ThrowCorrupted(SegmentBlock block, void* at, string reason) =>
        throw new SegmentCorruptedException(_path, block, (byte*)at - _base, reason);
}
