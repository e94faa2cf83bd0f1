using AgentDb.Index.Hnsw;
using AgentDb.Kernels;

namespace AgentDb.Index.Segments;

/// <summary>
/// A segment file written by <see cref="SegmentWriter"/>, memory-mapped and searched in place with the same algorithm
/// as <see cref="HnswIndex"/> (and the same results for the same graph). Read-only; safe for concurrent searches.
/// </summary>
/// <remarks>
/// <see cref="Open"/> reads and checks the header only, so its cost does not depend on the file's size. The blocks'
/// checksums are verified once, before the first search (or by <see cref="VerifyChecksums"/>, to pay that cost at a
/// chosen time); a file that fails stays failed: every later search throws the same way.
/// </remarks>
public sealed class ImmutableSegment : IDisposable
{
    private readonly SegmentMapping _mapping;
    private readonly SegmentHeader _header;
    private readonly Lock _verifyLock = new();
    private volatile bool _verified;
    private SegmentCorruptedException? _verifyFailure;

    // Deletes made after the file was written (the file never changes): allocated on the first, one bit per node.
    private ulong[]? _tombstones;
    private int _liveCount;

    private ImmutableSegment(string path, SegmentMapping mapping, SegmentHeader header)
    {
        Path = path;
        _mapping = mapping;
        _header = header;
        _liveCount = (int)header.LiveCount;
    }

    /// <summary>The file this segment maps.</summary>
    public string Path { get; }

    /// <summary>The number of floats in every vector.</summary>
    public int Dimension => (int)_header.Dimension;

    /// <summary>How distances are measured.</summary>
    public DistanceMetric Metric => (DistanceMetric)_header.Metric;

    /// <summary>The number of live points: not deleted in the file nor since.</summary>
    public int Count => Volatile.Read(ref _liveCount);

    /// <summary>The number of nodes, deleted ones included.</summary>
    public int NodeCount => (int)_header.NodeCount;

    /// <summary>Maps <paramref name="path"/> and checks its header.</summary>
    /// <exception cref="SegmentCorruptedException">The file is truncated, not a segment, of another version, or its header is inconsistent.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static ImmutableSegment Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Segment files are little-endian; this host is not.");
        }

        long length = new FileInfo(path).Length;
        if (length < SegmentHeader.Size)
        {
            throw new SegmentCorruptedException(path, null, length, $"the file has {length} bytes; the header alone needs {SegmentHeader.Size}");
        }

        SegmentMapping mapping = SegmentMapping.Open(path, length);
        try
        {
            return new ImmutableSegment(path, mapping, SegmentValidation.ReadHeader(mapping, path));
        }
        catch
        {
            mapping.Dispose();
            throw;
        }
    }

    /// <summary>Verifies every block's checksum now, unless done already.</summary>
    /// <exception cref="SegmentCorruptedException">A block does not match its checksum.</exception>
    /// <exception cref="ObjectDisposedException">The segment was disposed.</exception>
    public void VerifyChecksums()
    {
        if (_verified)
        {
            return;
        }

        lock (_verifyLock)
        {
            if (_verifyFailure is null && !_verified)
            {
                _mapping.Enter();
                try
                {
                    SegmentValidation.VerifyBlocks(_mapping, _header, Path);
                    _verified = true;
                }
                catch (SegmentCorruptedException failure)
                {
                    _verifyFailure = failure;
                }
                finally
                {
                    _mapping.Exit();
                }
            }

            if (_verifyFailure is not null)
            {
                throw new SegmentCorruptedException(_verifyFailure.Path, _verifyFailure.Block, _verifyFailure.Offset, _verifyFailure.Reason);
            }
        }
    }

    /// <summary>
    /// Writes the <paramref name="k"/> live points nearest to <paramref name="query"/> into <paramref name="results"/>,
    /// nearest first, and returns how many were written. Same contract as <see cref="HnswIndex.Search"/>; ef 0 is the
    /// search breadth the index was built with.
    /// </summary>
    /// <exception cref="ArgumentException">The query's length is not <see cref="Dimension"/>, or <paramref name="results"/> is shorter than <paramref name="k"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is below 1 or <paramref name="ef"/> is negative.</exception>
    /// <exception cref="SegmentCorruptedException">The file is corrupted (checked before the first search).</exception>
    /// <exception cref="ObjectDisposedException">The segment was disposed.</exception>
    public int Search(ReadOnlySpan<float> query, int k, Span<SearchHit> results, int ef = 0, IIdFilter? filter = null)
    {
        HnswIndex.CheckSearchArguments(Dimension, query, k, results, ef);
        VerifyChecksums();
        _mapping.Enter();
        SearchScratch scratch = SearchScratch.Rent();
        try
        {
            if (Metric == DistanceMetric.Cosine)
            {
                query = scratch.NormalizedQuery(query);
            }

            MappedGraphView view = View();
            return HnswSearch.Search(Metric, view, query, k, ef == 0 ? (int)_header.EfSearch : ef, filter, results, scratch);
        }
        finally
        {
            SearchScratch.Return(scratch);
            _mapping.Exit();
        }
    }

    /// <summary>Whether <paramref name="id"/> is live in this segment.</summary>
    /// <exception cref="SegmentCorruptedException">The file is corrupted (checked before the first lookup).</exception>
    /// <exception cref="ObjectDisposedException">The segment was disposed.</exception>
    public bool Contains(long id)
    {
        VerifyChecksums();
        _mapping.Enter();
        try
        {
            MappedGraphView view = View();
            return view.TryGetNode(id, out int node) && !view.IsDeleted(node);
        }
        finally
        {
            _mapping.Exit();
        }
    }

    /// <summary>
    /// Marks <paramref name="id"/> deleted in memory (the file does not change; the caller persists the delete, e.g. in
    /// a tombstone file beside the segment). Returns false if it was not live. Thread-safe.
    /// </summary>
    internal bool MarkDeleted(long id)
    {
        VerifyChecksums();
        _mapping.Enter();
        try
        {
            MappedGraphView view = View();
            if (!view.TryGetNode(id, out int node) || view.IsDeleted(node))
            {
                return false;
            }

            ulong[] tombstones = _tombstones ?? InitialiseTombstones();
            ulong bit = 1UL << (node & 63);
            if ((Interlocked.Or(ref tombstones[node >> 6], bit) & bit) != 0)
            {
                return false; // a concurrent delete of the same id won
            }

            Interlocked.Decrement(ref _liveCount);
            return true;
        }
        finally
        {
            _mapping.Exit();
        }
    }

    /// <summary>
    /// Copies the point at <paramref name="rank"/> of the id index (in [0, <see cref="IndexedCount"/>), by ascending
    /// id) into <paramref name="vector"/>; false if it has been deleted since the file was written. How compaction
    /// reads a segment back.
    /// </summary>
    internal bool TryCopyLivePoint(int rank, Span<float> vector, out long id)
    {
        VerifyChecksums();
        _mapping.Enter();
        try
        {
            MappedGraphView view = View();
            int node = view.LiveNodeByRank(rank);
            id = view.GetId(node);
            if (view.IsDeleted(node))
            {
                return false;
            }

            view.GetVector(node).CopyTo(vector);
            return true;
        }
        finally
        {
            _mapping.Exit();
        }
    }

    /// <summary>Adds the id of every point live here (not deleted in the file nor since) to <paramref name="ids"/>.</summary>
    internal void CollectLiveIds(HashSet<long> ids)
    {
        VerifyChecksums();
        _mapping.Enter();
        try
        {
            MappedGraphView view = View();
            for (int rank = 0; rank < IndexedCount; rank++)
            {
                int node = view.LiveNodeByRank(rank);
                if (!view.IsDeleted(node))
                {
                    ids.Add(view.GetId(node));
                }
            }
        }
        finally
        {
            _mapping.Exit();
        }
    }

    /// <summary>The number of points live when the file was written: the length of its id index.</summary>
    internal int IndexedCount => (int)_header.LiveCount;

    /// <summary>Unmaps the file once running searches have finished; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose() => _mapping.Dispose();

    private MappedGraphView View() => new(_mapping, _header, Path, Volatile.Read(ref _tombstones), Count);

    private ulong[] InitialiseTombstones()
    {
        Interlocked.CompareExchange(ref _tombstones, new ulong[(NodeCount + 63) / 64], null);
        return _tombstones;
    }
}
