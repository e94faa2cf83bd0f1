using System.Buffers;
using System.Globalization;
using AgentDb.Index.Hnsw;
using AgentDb.Kernels;

namespace AgentDb.Index.Segments;

/// <summary>
/// A collection's vectors: one mutable <see cref="HnswIndex"/> taking writes plus immutable segment files in a
/// directory. The mutable index is sealed into a new segment when it reaches the seal threshold or on
/// <see cref="Flush"/>; <see cref="Compact"/> merges every segment into one, dropping deleted points. Searches query
/// every part and merge the nearest.
/// </summary>
/// <remarks>
/// <para>
/// Thread safety: every method may be called concurrently except <see cref="Dispose"/>. Writes (add, delete, seal)
/// are serialised; <see cref="AddBatch"/> links its points on many threads. Searches never wait: sealing and
/// compaction build their result aside and publish it by swapping one reference.
/// </para>
/// <para>
/// Durability: points in the mutable index live in memory only (the write-ahead log is another layer's); once
/// <see cref="Flush"/> returns they are in an fsynced segment file named by an fsynced manifest. A delete of a point
/// in a segment is appended to a tombstone file beside it before <see cref="Delete"/> returns (reaching the OS;
/// fsynced before the next manifest is written). Reopening the directory restores the segments the manifest names and
/// their deletes. An owner that keeps its own log seals with <see cref="SealMutable"/> and declares what the segments
/// reflect with <see cref="WriteManifest"/> (<see cref="PersistedLsn"/> on reopen).
/// </para>
/// </remarks>
public sealed class SegmentedVectorIndex : IDisposable
{
    /// <summary>The default number of live points at which the mutable index is sealed.</summary>
    public const int DefaultSealThreshold = 100_000;

    private const string SegmentPrefix = "segment-";
    private const string SegmentExtension = ".hnsw";

    private readonly string _directory;
    private readonly HnswOptions _options;
    private readonly int _sealThreshold;
    private readonly Lock _writeLock = new();
    private readonly Lock _compactLock = new();

    // Batch adds link with it held shared (outside the write lock); a seal takes it exclusively, under the write lock.
    private readonly ReaderWriterLockSlim _linkLock = new(LockRecursionPolicy.NoRecursion);
    private SegmentSet _state;
    private long _nextSequence;
    private long _persistedLsn;
    private bool _disposed;

    /// <summary>
    /// Opens the collection stored in <paramref name="directory"/> (created if absent): its segments, with the deletes
    /// made in them, and an empty mutable index. Leftovers of an interrupted seal or compaction are removed.
    /// </summary>
    /// <param name="directory">Where segment files, their tombstone files and the manifest live.</param>
    /// <param name="options">Shape of every index and segment; existing segments must have the same dimension and metric.</param>
    /// <param name="sealThreshold">Live points in the mutable index at which it is sealed; at least 1.</param>
    /// <exception cref="ArgumentException">An option is out of range, or an existing segment has another dimension or metric.</exception>
    /// <exception cref="SegmentCorruptedException">A segment named by the manifest is corrupted.</exception>
    /// <exception cref="IOException">The directory cannot be read or written.</exception>
    public SegmentedVectorIndex(string directory, HnswOptions options, int sealThreshold = DefaultSealThreshold)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(sealThreshold, 1);
        _directory = Path.GetFullPath(directory);
        _options = Copy(options, options.InitialCapacity);
        _sealThreshold = sealThreshold;
        Directory.CreateDirectory(_directory);
        _state = new SegmentSet(new HnswIndex(_options), OpenSegments());
    }

    /// <summary>The number of floats in every vector.</summary>
    public int Dimension => _options.Dimension;

    /// <summary>How distances are measured.</summary>
    public DistanceMetric Metric => _options.Metric;

    /// <summary>The number of live points, in the mutable index and every segment.</summary>
    public int Count
    {
        get
        {
            SegmentSet state = Volatile.Read(ref _state);
            int count = state.Mutable.Count;
            foreach (SealedSegment segment in state.Segments)
            {
                count += segment.Segment.Count;
            }

            return count;
        }
    }

    /// <summary>
    /// 0 (the default): every part is searched with the ef a search names, as by <see cref="HnswIndex.Search"/>.
    /// Otherwise the named ef is the breadth for a part of up to this many nodes, and each larger part (the mutable index,
    /// a segment) is searched with it widened by its own size (<see cref="EfScaling.For"/>). A collection's index sets
    /// <see cref="EfScaling.ReferenceNodes"/>.
    /// </summary>
    internal int EfReferenceNodes { get; init; }

    /// <summary>The number of immutable segments.</summary>
    public int SegmentCount => Volatile.Read(ref _state).Segments.Length;

    /// <summary>
    /// The log position the last written manifest declared (<see cref="WriteManifest"/>; 0 when none was declared): an
    /// opaque number this class keeps for its owner, who uses it to know which writes the segments already reflect.
    /// </summary>
    public long PersistedLsn => Volatile.Read(ref _persistedLsn);

    /// <summary>Nodes in the segments, deleted ones included, and how many of them are live.</summary>
    public (long Nodes, long Live) SegmentNodes
    {
        get
        {
            long nodes = 0;
            long live = 0;
            foreach (SealedSegment segment in Volatile.Read(ref _state).Segments)
            {
                nodes += segment.Segment.NodeCount;
                live += segment.Segment.Count;
            }

            return (nodes, live);
        }
    }

    /// <summary>Adds a point (see <see cref="HnswIndex.Add"/>); seals the mutable index if this fills it.</summary>
    /// <exception cref="ArgumentException">The vector is malformed, or <paramref name="id"/> is live anywhere in the collection.</exception>
    /// <exception cref="ObjectDisposedException">The collection was disposed.</exception>
    public void Add(long id, ReadOnlySpan<float> vector)
    {
        lock (_writeLock)
        {
            SegmentSet state = WritableState();
            ThrowIfLiveInSegments(state, id);
            state.Mutable.Add(id, vector);
            SealIfFull(state);
        }
    }

    /// <summary>
    /// Adds many points (see <see cref="HnswIndex.AddBatch"/>); seals the mutable index if this fills it. The points are
    /// linked without holding the write lock, so deletes (and single adds) go on meanwhile; a seal waits for the linking.
    /// </summary>
    /// <exception cref="ArgumentException">As for <see cref="HnswIndex.AddBatch"/>, or an id is live in a segment.</exception>
    /// <exception cref="ObjectDisposedException">The collection was disposed.</exception>
    public void AddBatch(ReadOnlySpan<long> ids, ReadOnlySpan<float> vectors, int maxDegreeOfParallelism = -1)
    {
        HnswIndex mutable;
        lock (_writeLock)
        {
            SegmentSet state = WritableState();
            foreach (long id in ids)
            {
                ThrowIfLiveInSegments(state, id);
            }

            mutable = state.Mutable;
            _linkLock.EnterReadLock(); // before the write lock goes: no seal can retire this mutable index meanwhile
        }

        try
        {
            mutable.AddBatch(ids, vectors, maxDegreeOfParallelism);
        }
        finally
        {
            _linkLock.ExitReadLock();
        }

        lock (_writeLock)
        {
            SegmentSet state = WritableState();
            if (ReferenceEquals(state.Mutable, mutable))
            {
                SealIfFull(state);
            }
        }
    }

    /// <summary>Deletes <paramref name="id"/> wherever it is live; false if it is nowhere. No search started after this returns finds it.</summary>
    /// <exception cref="ObjectDisposedException">The collection was disposed.</exception>
    public bool Delete(long id)
    {
        lock (_writeLock)
        {
            SegmentSet state = WritableState();
            if (state.Mutable.Delete(id))
            {
                return true;
            }

            for (int i = state.Segments.Length - 1; i >= 0; i--)
            {
                if (state.Segments[i].Delete(id))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Whether <paramref name="id"/> is live in the collection.</summary>
    public bool Contains(long id)
    {
        SegmentSet state = Volatile.Read(ref _state);
        return state.Mutable.Contains(id) || IsLiveInSegments(state, id);
    }

    /// <summary>
    /// The <paramref name="k"/> nearest live points over the mutable index and every segment, nearest first; returns
    /// how many were written. Arguments as for <see cref="HnswIndex.Search"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The query's length is not <see cref="Dimension"/>, or <paramref name="results"/> is shorter than <paramref name="k"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is below 1 or <paramref name="ef"/> is negative.</exception>
    /// <exception cref="SegmentCorruptedException">A segment file is corrupted.</exception>
    /// <exception cref="ObjectDisposedException">The collection was disposed.</exception>
    public int Search(ReadOnlySpan<float> query, int k, Span<SearchHit> results, int ef = 0, IIdFilter? filter = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        HnswIndex.CheckSearchArguments(Dimension, query, k, results, ef);
        SearchHit[] buffer = ArrayPool<SearchHit>.Shared.Rent(k);
        try
        {
            while (true)
            {
                SegmentSet state = Volatile.Read(ref _state);
                try
                {
                    return Search(state, query, k, results, ef, filter, buffer, EfReferenceNodes);
                }
                catch (ObjectDisposedException) when (!_disposed && !ReferenceEquals(state, Volatile.Read(ref _state)))
                {
                    // A compaction retired a segment of this set mid-search: search the set that replaced it.
                }
            }
        }
        finally
        {
            ArrayPool<SearchHit>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Seals the mutable index into a segment file (if it holds any live point) and fsyncs the tombstone files: when
    /// this returns, everything added or deleted before it is durable.
    /// </summary>
    /// <exception cref="IOException">A file cannot be written.</exception>
    /// <exception cref="ObjectDisposedException">The collection was disposed.</exception>
    public void Flush()
    {
        lock (_writeLock)
        {
            SegmentSet state = WritableState();
            Seal(state, publishManifest: false);
            PublishManifest(_persistedLsn);
        }
    }

    /// <summary>
    /// Seals the mutable index into a new segment file (fsynced; skipped when the mutable index holds no live point)
    /// and searches it from then on, but does not name it in the manifest yet: the next <see cref="WriteManifest"/>,
    /// <see cref="Flush"/> or <see cref="Compact"/> does. Until then a reopen does not see it (its file is removed as a
    /// leftover). Adds and deletes wait while the file is written.
    /// </summary>
    /// <exception cref="IOException">A file cannot be written.</exception>
    /// <exception cref="ObjectDisposedException">The collection was disposed.</exception>
    public void SealMutable()
    {
        lock (_writeLock)
        {
            Seal(WritableState(), publishManifest: false);
        }
    }

    /// <summary>
    /// Fsyncs the tombstone files, then replaces the manifest with the current segments declared at
    /// <paramref name="lsn"/> (see <see cref="PersistedLsn"/>). Points still in the mutable index are not included.
    /// </summary>
    /// <exception cref="IOException">A file cannot be written.</exception>
    /// <exception cref="ObjectDisposedException">The collection was disposed.</exception>
    public void WriteManifest(long lsn)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lsn);
        lock (_writeLock)
        {
            WritableState();
            PublishManifest(lsn);
        }
    }

    /// <summary>Verifies every segment's block checksums now (otherwise done before each segment's first search).</summary>
    /// <exception cref="SegmentCorruptedException">A segment file does not match its checksums.</exception>
    /// <exception cref="ObjectDisposedException">The collection was disposed.</exception>
    public void VerifySegments()
    {
        foreach (SealedSegment segment in WritableState().Segments)
        {
            segment.Segment.VerifyChecksums();
        }
    }

    /// <summary>Whether <paramref name="id"/> is live in one of the immutable segments (not the mutable index).</summary>
    public bool ContainsInSegments(long id) => IsLiveInSegments(Volatile.Read(ref _state), id);

    /// <summary>Adds the id of every point live in the immutable segments to <paramref name="ids"/>.</summary>
    public void CollectSegmentIds(HashSet<long> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        foreach (SealedSegment segment in Volatile.Read(ref _state).Segments)
        {
            segment.Segment.CollectLiveIds(ids);
        }
    }

    /// <summary>
    /// Copies what the manifest on disk names — the manifest, its segment files and their tombstone files — into
    /// <paramref name="targetDirectory"/> (created; must not hold those files). Does nothing when there is no manifest.
    /// Adds, deletes and searches go on; a compaction waits until the copy is done.
    /// </summary>
    /// <exception cref="IOException">A file cannot be copied.</exception>
    public void CopyPersistedFiles(string targetDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetDirectory);
        lock (_compactLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            string manifest = Path.Combine(_directory, SegmentManifest.FileName);
            if (!File.Exists(manifest))
            {
                return;
            }

            byte[] text = File.ReadAllBytes(manifest); // once: a checkpoint may replace the file meanwhile
            string snapshot = Path.Combine(targetDirectory, SegmentManifest.FileName + ".tmp");
            Directory.CreateDirectory(targetDirectory);
            File.WriteAllBytes(snapshot, text);
            File.Move(snapshot, Path.Combine(targetDirectory, SegmentManifest.FileName));
            foreach (string name in SegmentManifest.Read(targetDirectory).Names)
            {
                string source = Path.Combine(_directory, name);
                File.Copy(source, Path.Combine(targetDirectory, name));
                string tombstones = SealedSegment.TombstonePath(source);
                if (File.Exists(tombstones))
                {
                    File.Copy(tombstones, SealedSegment.TombstonePath(Path.Combine(targetDirectory, name)));
                }
            }
        }
    }

    /// <summary>
    /// Merges every current segment into one, rebuilt from their live points, so deleted points stop costing memory
    /// and search time. Searches go on meanwhile, and so do adds and deletes (deletes made during the merge are
    /// carried over to the new segment); only the final swap takes the write lock. One compaction runs at a time.
    /// </summary>
    /// <exception cref="IOException">A file cannot be written.</exception>
    /// <exception cref="ObjectDisposedException">The collection was disposed.</exception>
    public void Compact()
    {
        lock (_compactLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            SealedSegment[] inputs = Volatile.Read(ref _state).Segments;
            if (inputs.Length == 0 || (inputs.Length == 1 && inputs[0].Tombstones.Ids.Count == 0))
            {
                return;
            }

            SealedSegment? merged = Merge(inputs);
            SealedSegment[] retired;
            lock (_writeLock)
            {
                SegmentSet state = WritableState();
                if (merged is not null)
                {
                    foreach (SealedSegment input in inputs)
                    {
                        foreach (long id in input.Tombstones.Ids)
                        {
                            merged.Delete(id); // deleted during the merge: still live in the merged copy
                        }
                    }
                }

                var segments = new List<SealedSegment>(state.Segments.Length);
                if (merged is not null)
                {
                    segments.Add(merged);
                }

                foreach (SealedSegment segment in state.Segments)
                {
                    if (Array.IndexOf(inputs, segment) < 0)
                    {
                        segments.Add(segment);
                    }
                }

                SealedSegment[] published = [.. segments];
                foreach (SealedSegment segment in published)
                {
                    segment.Tombstones.FlushToDisk(); // the carried-over deletes before the manifest that names them
                }

                SegmentManifest.Write(_directory, published, _persistedLsn);
                Volatile.Write(ref _state, new SegmentSet(state.Mutable, published));
                retired = inputs;
            }

            foreach (SealedSegment segment in retired)
            {
                segment.Dispose();
                DeleteSegmentFiles(segment.Name);
            }
        }
    }

    /// <summary>Closes every file. Must not race with other calls.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        SegmentSet state = _state;
        _linkLock.Dispose();
        state.Mutable.Dispose();
        foreach (SealedSegment segment in state.Segments)
        {
            segment.Dispose();
        }
    }

    /// <summary>Fsyncs every tombstone file, then writes the manifest of the current segments at <paramref name="lsn"/>. Under the write lock.</summary>
    private void PublishManifest(long lsn)
    {
        SealedSegment[] segments = Volatile.Read(ref _state).Segments;
        foreach (SealedSegment segment in segments)
        {
            segment.Tombstones.FlushToDisk(); // deletes are durable before a manifest that relies on them
        }

        SegmentManifest.Write(_directory, segments, lsn);
        Volatile.Write(ref _persistedLsn, lsn);
    }

    private static HnswOptions Copy(HnswOptions options, int initialCapacity) => new()
    {
        Dimension = options.Dimension,
        Metric = options.Metric,
        M = options.M,
        EfConstruction = options.EfConstruction,
        EfSearch = options.EfSearch,
        Seed = options.Seed,
        InitialCapacity = Math.Max(1, initialCapacity),
    };

    private static bool IsLiveInSegments(SegmentSet state, long id)
    {
        foreach (SealedSegment segment in state.Segments)
        {
            if (segment.Segment.Contains(id))
            {
                return true;
            }
        }

        return false;
    }

    private static void ThrowIfLiveInSegments(SegmentSet state, long id)
    {
        if (IsLiveInSegments(state, id))
        {
            throw new ArgumentException($"Id {id} is already in the collection.", "id");
        }
    }

    /// <summary>
    /// Searches every part with breadth <paramref name="ef"/> — widened by each part's own size unless
    /// <paramref name="efReferenceNodes"/> is 0 — and merges their k nearest.
    /// </summary>
    private static int Search(
        SegmentSet state, ReadOnlySpan<float> query, int k, Span<SearchHit> results, int ef, IIdFilter? filter, SearchHit[] buffer, int efReferenceNodes)
    {
        HnswIndex mutable = state.Mutable;
        int count = mutable.Search(query, k, results, EfScaling.For(ef, mutable.NodeCount, efReferenceNodes), filter);
        foreach (SealedSegment segment in state.Segments)
        {
            ImmutableSegment part = segment.Segment;
            int found = part.Search(query, k, buffer, EfScaling.For(ef, part.NodeCount, efReferenceNodes), filter);
            count = MergeNearest(results, count, k, buffer.AsSpan(0, found));
        }

        return count;
    }

    /// <summary>Merges sorted <paramref name="hits"/> into the sorted first <paramref name="count"/> results, keeping <paramref name="k"/>.</summary>
    private static int MergeNearest(Span<SearchHit> results, int count, int k, ReadOnlySpan<SearchHit> hits)
    {
        foreach (SearchHit hit in hits)
        {
            if (count == k && hit.Distance >= results[count - 1].Distance)
            {
                break; // the rest are farther still
            }

            int at = count;
            while (at > 0 && results[at - 1].Distance > hit.Distance)
            {
                at--;
            }

            int last = Math.Min(count, k - 1);
            results[at..last].CopyTo(results[(at + 1)..]);
            results[at] = hit;
            count = Math.Min(count + 1, k);
        }

        return count;
    }

    private SegmentSet WritableState()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _state;
    }

    private void SealIfFull(SegmentSet state)
    {
        if (state.Mutable.Count >= _sealThreshold)
        {
            Seal(state, publishManifest: true);
        }
    }

    /// <summary>
    /// Writes the mutable index as a new segment and publishes it with a fresh mutable index; names it in the manifest
    /// when <paramref name="publishManifest"/>. Under the write lock.
    /// </summary>
    private void Seal(SegmentSet state, bool publishManifest)
    {
        _linkLock.EnterWriteLock(); // batch adds still linking into the mutable index finish first
        try
        {
            SealCore(state, publishManifest);
        }
        finally
        {
            _linkLock.ExitWriteLock();
        }
    }

    private void SealCore(SegmentSet state, bool publishManifest)
    {
        HnswIndex sealing = state.Mutable;
        SealedSegment[] segments = state.Segments;
        if (sealing.Count > 0)
        {
            string name = NextSegmentName();
            string path = Path.Combine(_directory, name);
            SegmentWriter.Write(sealing, path);
            DirectorySync.Flush(_directory);
            segments = [.. segments, SealedSegment.Open(_directory, name)];
            if (publishManifest)
            {
                foreach (SealedSegment segment in state.Segments)
                {
                    segment.Tombstones.FlushToDisk();
                }

                SegmentManifest.Write(_directory, segments, _persistedLsn);
            }
        }

        // The sealed index is left to the garbage collector, not disposed: searches that took the old set may still
        // be reading it.
        Volatile.Write(ref _state, new SegmentSet(new HnswIndex(_options), segments));
    }

    /// <summary>Rebuilds the live points of <paramref name="inputs"/> as one segment; null if none is live.</summary>
    private SealedSegment? Merge(SealedSegment[] inputs)
    {
        int capacity = 0;
        foreach (SealedSegment input in inputs)
        {
            capacity += input.Segment.Count;
        }

        var ids = new List<long>(capacity);
        var vectors = new List<float>(capacity * Dimension);
        var vector = new float[Dimension];
        foreach (SealedSegment input in inputs)
        {
            for (int rank = 0; rank < input.Segment.IndexedCount; rank++)
            {
                if (input.Segment.TryCopyLivePoint(rank, vector, out long id))
                {
                    ids.Add(id);
                    vectors.AddRange(vector);
                }
            }
        }

        if (ids.Count == 0)
        {
            return null;
        }

        using var merged = new HnswIndex(Copy(_options, ids.Count));
        merged.AddBatch(ids.ToArray(), vectors.ToArray());
        string name = NextSegmentName();
        SegmentWriter.Write(merged, Path.Combine(_directory, name));
        return SealedSegment.Open(_directory, name);
    }

    private string NextSegmentName() =>
        SegmentPrefix + Interlocked.Increment(ref _nextSequence).ToString("D10", CultureInfo.InvariantCulture) + SegmentExtension;

    private SealedSegment[] OpenSegments()
    {
        (List<string> names, long lsn) = SegmentManifest.Read(_directory);
        _persistedLsn = lsn;
        foreach (string file in Directory.EnumerateFiles(_directory, SegmentPrefix + "*"))
        {
            string name = Path.GetFileName(file);
            string segmentName = name.EndsWith(".deleted", StringComparison.Ordinal) ? name[..^".deleted".Length] : name;
            if (TryParseSequence(segmentName, out long sequence))
            {
                _nextSequence = Math.Max(_nextSequence, sequence);
            }

            if (!names.Contains(segmentName))
            {
                File.Delete(file); // left by a seal or compaction that did not reach the manifest
            }
        }

        var segments = new SealedSegment[names.Count];
        try
        {
            for (int i = 0; i < names.Count; i++)
            {
                segments[i] = SealedSegment.Open(_directory, names[i]);
                if (segments[i].Segment.Dimension != Dimension || segments[i].Segment.Metric != Metric)
                {
                    throw new ArgumentException(
                        $"Segment '{names[i]}' holds {segments[i].Segment.Metric} vectors of dimension {segments[i].Segment.Dimension}; " +
                        $"the options say {Metric} of {Dimension}.",
                        "options");
                }
            }

            return segments;
        }
        catch
        {
            foreach (SealedSegment? segment in segments)
            {
                segment?.Dispose();
            }

            throw;
        }
    }

    private static bool TryParseSequence(string name, out long sequence)
    {
        sequence = 0;
        return name.StartsWith(SegmentPrefix, StringComparison.Ordinal)
            && name.EndsWith(SegmentExtension, StringComparison.Ordinal)
            && long.TryParse(
                name.AsSpan(SegmentPrefix.Length, name.Length - SegmentPrefix.Length - SegmentExtension.Length),
                NumberStyles.None,
                CultureInfo.InvariantCulture,
                out sequence);
    }

    private void DeleteSegmentFiles(string name)
    {
        string path = Path.Combine(_directory, name);
        try
        {
            File.Delete(path);
            File.Delete(SealedSegment.TombstonePath(path));
        }
        catch (IOException)
        {
            // Still mapped on a platform that forbids deleting it: no longer in the manifest, removed at next open.
        }
    }
}
