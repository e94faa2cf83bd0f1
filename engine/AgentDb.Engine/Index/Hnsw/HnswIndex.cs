using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using AgentDb.Kernels;

namespace AgentDb.Index.Hnsw;

/// <summary>
/// An in-memory HNSW graph (the mutable segment of a collection): approximate nearest-neighbour search over vectors
/// that can be added and deleted while searches run.
/// </summary>
/// <remarks>
/// <para>
/// Thread safety: <see cref="Search"/>, <see cref="Add"/>, <see cref="AddBatch"/> and <see cref="Delete"/> may all be
/// called concurrently. A search sees every point whose <c>Add</c> returned before it started, never a point whose
/// <c>Delete</c> returned before it started, and may or may not see operations running alongside it.
/// <see cref="Dispose"/> must not race with other calls.
/// </para>
/// <para>
/// Nothing is durable: the index lives in memory until it is written out as an immutable segment.
/// Deleted points stay in the graph as waypoints (tombstones) and keep their memory until the index is rebuilt.
/// </para>
/// </remarks>
public sealed class HnswIndex : IDisposable
{
    private readonly int _dimension;
    private readonly DistanceMetric _metric;
    private readonly int _m;
    private readonly int _efConstruction;
    private readonly int _efSearch;
    private readonly int _seed;
    private readonly double _levelMultiplier;
    private readonly ConcurrentDictionary<long, int> _nodesById;
    private readonly GraphEntryPoint _entryPoint = new();
    private readonly GraphLinker _linker;

    // Serialises the short bookkeeping of adds and deletes (id checks, node numbers, vector copies, tombstones) and
    // growth. Never taken while holding _resizeLock.
    private readonly Lock _addLock = new();

    // Linking holds it shared; growth holds it exclusively, so no link is written into storage being copied.
    private readonly ReaderWriterLockSlim _resizeLock = new(LockRecursionPolicy.NoRecursion);

    private GraphStorage _storage;
    private int _nodeCount;

    // Nodes reserved (stored and published) but not yet linked; a snapshot waits for it to reach zero.
    private int _pendingLinks;
    private int _liveCount;
    private bool _disposed;

    /// <summary>Creates an empty index.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is out of range: see <see cref="HnswOptions.Validate"/>.</exception>
    public HnswIndex(HnswOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _dimension = options.Dimension;
        _metric = options.Metric;
        _m = options.M;
        _efConstruction = options.EfConstruction;
        _efSearch = options.EfSearch;
        _seed = options.Seed;
        _levelMultiplier = LevelGenerator.MultiplierFor(options.M);
        _nodesById = new ConcurrentDictionary<long, int>(Environment.ProcessorCount, options.InitialCapacity);
        _linker = new GraphLinker(_nodesById, _entryPoint, _efConstruction);
        _storage = new GraphStorage(_dimension, _m, MaxCapacityFor(_dimension, options.InitialCapacity));
    }

    /// <summary>The number of floats in every vector.</summary>
    public int Dimension => _dimension;

    /// <summary>How distances are measured.</summary>
    public DistanceMetric Metric => _metric;

    /// <summary>Links per node on the upper levels (twice as many on level 0).</summary>
    public int M => _m;

    /// <summary>The number of live (added and not deleted) points.</summary>
    public int Count => Volatile.Read(ref _liveCount);

    /// <summary>Nodes in the graph, deleted waypoints included: the size a search walks.</summary>
    internal int NodeCount => Volatile.Read(ref _nodeCount);

    /// <summary>
    /// Adds <paramref name="vector"/> under <paramref name="id"/> (copied; normalised first for cosine). When this returns,
    /// every search that starts can find it.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The vector's length is not <see cref="Dimension"/>, it holds a NaN or infinity, or <paramref name="id"/> is already
    /// live in the index (an id may be added again once deleted).
    /// </exception>
    /// <exception cref="ObjectDisposedException">The index was disposed.</exception>
    public void Add(long id, ReadOnlySpan<float> vector)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckVector(vector, nameof(vector));
        int node;
        lock (_addLock)
        {
            if (_nodesById.ContainsKey(id))
            {
                ThrowDuplicate(id, nameof(id));
            }

            node = _nodeCount;
            EnsureCapacity(node + 1L);
            Store(_storage, node, id, vector);
            _nodeCount = node + 1;
            Publish(id, node);
            Interlocked.Increment(ref _pendingLinks);
        }

        Link(node);
    }

    /// <summary>
    /// Adds many points, linking them on up to <paramref name="maxDegreeOfParallelism"/> threads (-1: one per core).
    /// Row i of <paramref name="vectors"/> (<see cref="Dimension"/> floats at <c>i * Dimension</c>) belongs to
    /// <c>ids[i]</c>. All arguments are checked before any point is added; when this returns, every point is searchable.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// <paramref name="vectors"/> is not exactly one row per id, a vector holds a NaN or infinity, or an id repeats
    /// within the batch or is already live in the index.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxDegreeOfParallelism"/> is 0 or below -1.</exception>
    /// <exception cref="ObjectDisposedException">The index was disposed.</exception>
    public void AddBatch(ReadOnlySpan<long> ids, ReadOnlySpan<float> vectors, int maxDegreeOfParallelism = -1)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (maxDegreeOfParallelism == 0 || maxDegreeOfParallelism < -1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, "Use -1 (one thread per core) or a positive number.");
        }

        if ((long)ids.Length * _dimension != vectors.Length)
        {
            throw new ArgumentException(
                $"{ids.Length} ids of dimension {_dimension} need {(long)ids.Length * _dimension} floats; got {vectors.Length}.",
                nameof(vectors));
        }

        for (int i = 0; i < ids.Length; i++)
        {
            CheckFinite(vectors.Slice(i * _dimension, _dimension), nameof(vectors));
        }

        if (ids.Length == 0)
        {
            return;
        }

        int first;
        lock (_addLock)
        {
            var seen = new HashSet<long>(ids.Length);
            foreach (long id in ids)
            {
                if (!seen.Add(id) || _nodesById.ContainsKey(id))
                {
                    ThrowDuplicate(id, nameof(ids));
                }
            }

            first = _nodeCount;
            EnsureCapacity((long)first + ids.Length);
            GraphStorage storage = _storage;
            for (int i = 0; i < ids.Length; i++)
            {
                Store(storage, first + i, ids[i], vectors.Slice(i * _dimension, _dimension));
            }

            _nodeCount = first + ids.Length;
            for (int i = 0; i < ids.Length; i++)
            {
                Publish(ids[i], first + i);
            }

            Interlocked.Add(ref _pendingLinks, ids.Length);
        }

        int threads = maxDegreeOfParallelism == -1 ? Environment.ProcessorCount : maxDegreeOfParallelism;
        if (threads == 1 || ids.Length == 1)
        {
            for (int node = first; node < first + ids.Length; node++)
            {
                Link(node);
            }
        }
        else
        {
            Parallel.For(first, first + ids.Length, new ParallelOptions { MaxDegreeOfParallelism = threads }, Link);
        }
    }

    /// <summary>
    /// Deletes <paramref name="id"/>: once this returns, no search returns it. Its node stays in the graph as a waypoint.
    /// Returns false if the id was not live.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The index was disposed.</exception>
    public bool Delete(long id)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_addLock)
        {
            if (!_nodesById.TryRemove(id, out int node))
            {
                return false;
            }

            Volatile.Write(ref _storage.Deleted[node], 1);
            Volatile.Write(ref _liveCount, _liveCount - 1);
            return true;
        }
    }

    /// <summary>Whether <paramref name="id"/> is live in the index.</summary>
    public bool Contains(long id) => _nodesById.ContainsKey(id);

    /// <summary>
    /// Writes the <paramref name="k"/> live points nearest to <paramref name="query"/> into <paramref name="results"/>,
    /// nearest first, and returns how many were written (fewer than <paramref name="k"/> only if fewer match).
    /// </summary>
    /// <param name="query">A vector of <see cref="Dimension"/> floats; not modified.</param>
    /// <param name="k">How many neighbours to return; at least 1.</param>
    /// <param name="results">Receives the hits; at least <paramref name="k"/> long.</param>
    /// <param name="ef">
    /// Breadth of the search (0: the index's <see cref="HnswOptions.EfSearch"/>); raised to <paramref name="k"/> if
    /// smaller. Larger is better recall and slower.
    /// </param>
    /// <param name="filter">
    /// Only ids it matches are returned. An <see cref="IdSetFilter"/> allowing under 5% of the live points is answered
    /// by an exact scan of its ids; any other filter by a graph search that walks through non-matching points.
    /// </param>
    /// <exception cref="ArgumentException">
    /// The query's length is not <see cref="Dimension"/>, or <paramref name="results"/> is shorter than <paramref name="k"/>.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is below 1 or <paramref name="ef"/> is negative.</exception>
    /// <exception cref="ObjectDisposedException">The index was disposed.</exception>
    public int Search(ReadOnlySpan<float> query, int k, Span<SearchHit> results, int ef = 0, IIdFilter? filter = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckSearchArguments(_dimension, query, k, results, ef);

        // Entry point before storage: storage only grows, so it holds every node the entry point can name.
        long entry = _entryPoint.Read();
        GraphStorage storage = Volatile.Read(ref _storage);
        int entryNode = GraphEntryPoint.NodeOf(entry);
        if (entryNode < 0)
        {
            return 0;
        }

        SearchScratch scratch = SearchScratch.Rent();
        try
        {
            if (_metric == DistanceMetric.Cosine)
            {
                query = scratch.NormalizedQuery(query);
            }

            var view = new MutableGraphView(storage, _nodesById, entryNode, GraphEntryPoint.LevelOf(entry), Count);
            return HnswSearch.Search(_metric, view, query, k, ef == 0 ? _efSearch : ef, filter, results, scratch);
        }
        finally
        {
            SearchScratch.Return(scratch);
        }
    }

    /// <summary>For tests: see <see cref="GraphLinker.LevelConnected"/>.</summary>
    internal Action<int, int>? LevelConnected
    {
        get => _linker.LevelConnected;
        set => _linker.LevelConnected = value;
    }

    /// <summary>Releases the index's locks. Must not race with other calls; later calls throw.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _resizeLock.Dispose();
        }
    }

    /// <summary>Checks the arguments every search entry point shares.</summary>
    internal static void CheckSearchArguments(int dimension, ReadOnlySpan<float> query, int k, Span<SearchHit> results, int ef)
    {
        if (query.Length != dimension)
        {
            throw new ArgumentException($"The query has {query.Length} floats; the index holds vectors of {dimension}.", nameof(query));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(ef);
        if (results.Length < k)
        {
            throw new ArgumentException($"The results span holds {results.Length} hits; k is {k}.", nameof(results));
        }
    }

    /// <summary>
    /// Freezes the graph for a reader of its internals (the segment writer): waits until every added node is linked,
    /// then blocks adds and deletes until <see cref="ReleaseSnapshot"/>, on the same thread. Searches go on.
    /// </summary>
    internal HnswSnapshot AcquireSnapshot()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _addLock.Enter();

        // No node can be reserved now; those reserved before finish linking without this lock.
        SpinWait wait = default;
        while (Volatile.Read(ref _pendingLinks) != 0)
        {
            wait.SpinOnce();
        }

        long entry = _entryPoint.Read();
        return new HnswSnapshot(
            _storage, _metric, _efSearch, _nodeCount, _liveCount, GraphEntryPoint.NodeOf(entry), GraphEntryPoint.LevelOf(entry));
    }

    /// <summary>Ends <see cref="AcquireSnapshot"/>.</summary>
    internal void ReleaseSnapshot() => _addLock.Exit();

    private static int MaxCapacityFor(int dimension, int capacity) => Math.Min(capacity, Array.MaxLength / dimension);

    [DoesNotReturn]
    private static void ThrowDuplicate(long id, string parameter) =>
        throw new ArgumentException($"Id {id} is already in the index (or repeated in the batch).", parameter);

    private static void CheckFinite(ReadOnlySpan<float> vector, string parameter)
    {
        foreach (float value in vector)
        {
            if (!float.IsFinite(value))
            {
                throw new ArgumentException("The vector holds a NaN or an infinity.", parameter);
            }
        }
    }

    private void CheckVector(ReadOnlySpan<float> vector, string parameter)
    {
        if (vector.Length != _dimension)
        {
            throw new ArgumentException($"The vector has {vector.Length} floats; the index holds vectors of {_dimension}.", parameter);
        }

        CheckFinite(vector, parameter);
    }

    /// <summary>Makes room for <paramref name="nodeCount"/> nodes, doubling. Under <see cref="_addLock"/>.</summary>
    private void EnsureCapacity(long nodeCount)
    {
        GraphStorage storage = _storage;
        if (nodeCount <= storage.Capacity)
        {
            return;
        }

        int limit = MaxCapacityFor(_dimension, int.MaxValue);
        if (nodeCount > limit)
        {
            throw new InvalidOperationException($"The index is full: {limit} vectors of dimension {_dimension}.");
        }

        int capacity = (int)Math.Min(Math.Max(nodeCount, 2L * storage.Capacity), limit);
        _resizeLock.EnterWriteLock();
        try
        {
            Volatile.Write(ref _storage, storage.GrowTo(capacity, _nodeCount));
        }
        finally
        {
            _resizeLock.ExitWriteLock();
        }
    }

    /// <summary>Writes a reserved node's vector, id and level. Under <see cref="_addLock"/>, before the node is published.</summary>
    private void Store(GraphStorage storage, int node, long id, ReadOnlySpan<float> vector)
    {
        Span<float> stored = storage.GetVectorForWrite(node);
        vector.CopyTo(stored);
        if (_metric == DistanceMetric.Cosine)
        {
            Kernels.Distance.Normalize(stored);
        }

        int level = LevelGenerator.Draw(_seed, node, _levelMultiplier);
        storage.Ids[node] = id;
        storage.Levels[node] = (byte)level;
        storage.Upper[node] = level == 0 ? [] : new int[level * storage.UpperStride];
    }

    private void Publish(long id, int node)
    {
        _nodesById[id] = node;
        Volatile.Write(ref _liveCount, _liveCount + 1);
    }

    private void Link(int node)
    {
        _resizeLock.EnterReadLock();
        SearchScratch scratch = SearchScratch.Rent();
        try
        {
            GraphStorage storage = Volatile.Read(ref _storage);
            switch (_metric)
            {
                case DistanceMetric.Cosine:
                    _linker.Link<NormalizedCosineDistance>(storage, node, scratch);
                    break;
                case DistanceMetric.L2Squared:
                    _linker.Link<L2SquaredDistance>(storage, node, scratch);
                    break;
                default:
                    _linker.Link<NegativeDotDistance>(storage, node, scratch);
                    break;
            }
        }
        finally
        {
            SearchScratch.Return(scratch);
            _resizeLock.ExitReadLock();
            Interlocked.Decrement(ref _pendingLinks);
        }
    }
}
