namespace AgentDb.Server.Bench.Ann.Data;

/// <summary>
/// A fixed-capacity binary max-heap of (distance, id) ordered by distance, then id: the farthest kept neighbour is on
/// top, so a k-nearest selection replaces it when a nearer one arrives.
/// </summary>
internal sealed class DistanceMaxHeap
{
    private readonly float[] _distances;
    private readonly int[] _ids;

    /// <summary>A heap that holds at most <paramref name="capacity"/> entries.</summary>
    public DistanceMaxHeap(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _distances = new float[capacity];
        _ids = new int[capacity];
    }

    /// <summary>The most entries the heap holds.</summary>
    public int Capacity => _ids.Length;

    /// <summary>The entries held.</summary>
    public int Count { get; private set; }

    /// <summary>The largest distance held; the heap must not be empty.</summary>
    public float TopDistance => _distances[0];

    /// <summary>Empties the heap.</summary>
    public void Clear() => Count = 0;

    /// <summary>Adds an entry; the heap must not be full.</summary>
    public void Push(float distance, int id)
    {
        System.Diagnostics.Debug.Assert(Count < Capacity, "Push on a full heap.");
        int i = Count++;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (!Greater(distance, id, _distances[parent], _ids[parent]))
            {
                break;
            }

            _distances[i] = _distances[parent];
            _ids[i] = _ids[parent];
            i = parent;
        }

        _distances[i] = distance;
        _ids[i] = id;
    }

    /// <summary>Replaces the top (farthest) entry and restores the order.</summary>
    public void ReplaceTop(float distance, int id)
    {
        System.Diagnostics.Debug.Assert(Count > 0, "ReplaceTop on an empty heap.");
        SiftDown(distance, id);
    }

    /// <summary>Removes the top (farthest) entry and returns its id; the heap must not be empty.</summary>
    public int PopId()
    {
        System.Diagnostics.Debug.Assert(Count > 0, "PopId on an empty heap.");
        int top = _ids[0];
        Count--;
        if (Count > 0)
        {
            SiftDown(_distances[Count], _ids[Count]);
        }

        return top;
    }

    private void SiftDown(float distance, int id)
    {
        int i = 0;
        while (true)
        {
            int child = (2 * i) + 1;
            if (child >= Count)
            {
                break;
            }

            if (child + 1 < Count && Greater(_distances[child + 1], _ids[child + 1], _distances[child], _ids[child]))
            {
                child++;
            }

            if (!Greater(_distances[child], _ids[child], distance, id))
            {
                break;
            }

            _distances[i] = _distances[child];
            _ids[i] = _ids[child];
            i = child;
        }

        _distances[i] = distance;
        _ids[i] = id;
    }

    private static bool Greater(float distanceA, int idA, float distanceB, int idB) =>
        distanceA > distanceB || (distanceA == distanceB && idA > idB);
}
