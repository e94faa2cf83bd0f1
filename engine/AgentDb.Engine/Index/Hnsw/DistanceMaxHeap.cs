using System.Runtime.CompilerServices;

namespace AgentDb.Index.Hnsw;

/// <summary>
/// A binary max-heap of <see cref="NodeDistance"/> on a reusable array: the search's result list (farthest on top).
/// Pushing negated distances turns it into the candidate min-heap, as hnswlib does. Grows by doubling and never shrinks,
/// so a thread's searches stop allocating once it has seen its widest search.
/// </summary>
internal sealed class DistanceMaxHeap
{
    private NodeDistance[] _items;
    private int _count;

    public DistanceMaxHeap(int initialCapacity) => _items = new NodeDistance[Math.Max(initialCapacity, 4)];

    public int Count => _count;

    /// <summary>The largest distance held. Only valid when <see cref="Count"/> is positive.</summary>
    public float TopDistance
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _items[0].Distance;
    }

    /// <summary>The entry with the largest distance. Only valid when <see cref="Count"/> is positive.</summary>
    public NodeDistance Top
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _items[0];
    }

    public void Clear() => _count = 0;

    public void Push(float distance, int node)
    {
        if (_count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        NodeDistance[] items = _items;
        int i = _count++;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (items[parent].Distance >= distance)
            {
                break;
            }

            items[i] = items[parent];
            i = parent;
        }

        items[i] = new NodeDistance(distance, node);
    }

    /// <summary>Removes and returns the entry with the largest distance. Only valid when <see cref="Count"/> is positive.</summary>
    public NodeDistance Pop()
    {
        NodeDistance[] items = _items;
        NodeDistance top = items[0];
        int count = --_count;
        if (count > 0)
        {
            SiftDown(items, items[count], count);
        }

        return top;
    }

    /// <summary>Replaces the largest entry by a new one in one sift (cheaper than a pop then a push).</summary>
    public void ReplaceTop(float distance, int node) => SiftDown(_items, new NodeDistance(distance, node), _count);

    private static void SiftDown(NodeDistance[] items, NodeDistance moving, int count)
    {
        int i = 0;
        while (true)
        {
            int child = (2 * i) + 1;
            if (child >= count)
            {
                break;
            }

            if (child + 1 < count && items[child + 1].Distance > items[child].Distance)
            {
                child++;
            }

            if (items[child].Distance <= moving.Distance)
            {
                break;
            }

            items[i] = items[child];
            i = child;
        }

        items[i] = moving;
    }
}
