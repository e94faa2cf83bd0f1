namespace AgentDb.Index.Hnsw;

/// <summary>
/// Everything a search or an insertion needs besides the graph: visited set, heaps and buffers, kept per thread so that
/// steady-state searches allocate nothing. <see cref="Rent"/> hands out the thread's instance (or a fresh one if it is
/// already in use, e.g. a filter that searches), <see cref="Return"/> gives it back.
/// </summary>
internal sealed class SearchScratch
{
    [ThreadStatic]
    private static SearchScratch? s_cachedForThread;

    private float[] _query = [];
    private int[] _neighbors = new int[64];
    private NodeDistance[] _selected = new NodeDistance[64];
    private NodeDistance[] _pruneCandidates = new NodeDistance[64];
    private NodeDistance[] _chosenByLevel = new NodeDistance[64];

    public VisitedSet Visited { get; } = new();

    /// <summary>The best nodes found so far, farthest on top.</summary>
    public DistanceMaxHeap Results { get; } = new(256);

    /// <summary>Nodes still to expand, stored with negated distances so the nearest is on top.</summary>
    public DistanceMaxHeap Candidates { get; } = new(256);

    public static SearchScratch Rent()
    {
        SearchScratch? scratch = s_cachedForThread;
        if (scratch is null)
        {
            return new SearchScratch();
        }

        s_cachedForThread = null;
        return scratch;
    }

    public static void Return(SearchScratch scratch) => s_cachedForThread = scratch;

    /// <summary>A buffer for one node's neighbour list.</summary>
    public Span<int> Neighbors(int maxDegree) => Ensure(ref _neighbors, maxDegree);

    /// <summary>A buffer for the neighbours the selection heuristic keeps.</summary>
    public Span<NodeDistance> Selected(int length) => Ensure(ref _selected, length);

    /// <summary>A buffer for the candidates of a neighbour list being pruned.</summary>
    public Span<NodeDistance> PruneCandidates(int length) => Ensure(ref _pruneCandidates, length);

    /// <summary>A buffer for the neighbours an insertion chose on each of its levels, linked back once all are chosen.</summary>
    public Span<NodeDistance> ChosenByLevel(int length) => Ensure(ref _chosenByLevel, length);

    /// <summary>Copies <paramref name="query"/> into the thread's buffer, scales it to unit length and returns it.</summary>
    public ReadOnlySpan<float> NormalizedQuery(ReadOnlySpan<float> query)
    {
        Span<float> copy = Ensure(ref _query, query.Length)[..query.Length];
        query.CopyTo(copy);
        Kernels.Distance.Normalize(copy);
        return copy;
    }

    private static Span<T> Ensure<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new T[Math.Max(length, buffer.Length * 2)];
        }

        return buffer;
    }
}
