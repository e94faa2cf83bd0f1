using System.Buffers;
using AgentDb.Index.Hnsw;
using AgentDb.Index.Segments;
using AgentDb.Kernels;

namespace AgentDb.Index;

/// <summary>
/// A collection's vector index in two tiers: an exact scan while the collection is small — every stored vector is then
/// found, and a scan of a few thousand rows costs less than a graph — and, once it holds <see cref="HnswThreshold"/>
/// vectors, a <see cref="SegmentedVectorIndex"/> in the collection's own directory: immutable, memory-mapped HNSW
/// segments written at checkpoints plus a mutable in-memory HNSW graph for what came after (Qdrant makes the same cut
/// with its indexing threshold). The switch builds the graph from the exact tier on all cores, then publishes it;
/// searches in flight finish on the tier they started on.
/// </summary>
/// <remarks>
/// <para>As <see cref="ICollectionVectorIndex"/> requires: searches may run concurrently with everything; mutators are
/// called by one thread at a time. An update in the graph tier is a delete plus an add: in a segment the old point is
/// tombstoned (a waypoint until compaction), in the mutable graph it stays as a deleted waypoint.</para>
/// <para>Persistence (graph tier only; the exact tier is rebuilt by a scan of the records, which the catch-up after a
/// load needs anyway): <see cref="SealForCheckpoint"/> writes the mutable graph as a new segment,
/// <see cref="PublishCheckpoint"/> names the segments in the manifest together with the log position they reflect, and
/// <see cref="TryOpenSegments"/> maps them back on open. The maintenance calls (seal, publish, compact, copy, dispose)
/// are serialised by one lock; they may run beside searches and mutators.</para>
/// </remarks>
internal sealed class TieredVectorIndex : ICollectionVectorIndex
{
    /// <summary>Vectors at which a collection moves from the exact scan to HNSW.</summary>
    public const int DefaultHnswThreshold = 20_000;

    /// <summary>The search breadth used by the HNSW tier (at least k).</summary>
    public const int SearchEf = 64;

    /// <summary>The widest candidate list a filtered search post-filters before walking the graph with the filter.</summary>
    public const int PostFilterMaxEf = 1024;

    /// <summary>More segments than this are merged into one at the next checkpoint.</summary>
    public const int MaxSegments = 8;

    /// <summary>Segments are merged once more than this fraction of their nodes are deleted (tombstones and waypoints).</summary>
    public const double CompactDeadFraction = 0.2;

    private readonly string _directory;
    private readonly Lock _maintenanceLock = new();
    private ExactVectorIndex? _exact;
    private SegmentedVectorIndex? _graph;
    private bool _disposed;

    /// <param name="dimension">Floats per vector.</param>
    /// <param name="metric">How distances are measured.</param>
    /// <param name="hnswThreshold">Vectors at which the graph tier takes over; at least 1.</param>
    /// <param name="directory">Where the graph tier keeps its segment files (created when first needed).</param>
    public TieredVectorIndex(int dimension, DistanceMetric metric, int hnswThreshold, string directory)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hnswThreshold, 1);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Dimension = dimension;
        Metric = metric;
        HnswThreshold = hnswThreshold;
        _directory = directory;
        _exact = new ExactVectorIndex(dimension, metric);
    }

    public int Dimension { get; }

    public DistanceMetric Metric { get; }

    public int HnswThreshold { get; }

    /// <summary>The directory of the graph tier's files.</summary>
    public string Directory => _directory;

    /// <summary>Whether the graph tier is in use (for stats and tests).</summary>
    public bool UsesHnsw => Volatile.Read(ref _graph) is not null;

    /// <summary>Immutable segments the graph tier searches.</summary>
    public int SegmentCount => Volatile.Read(ref _graph)?.SegmentCount ?? 0;

    /// <summary>Vectors taken from segment files when the index was opened (not re-inserted).</summary>
    public long VectorsFromSegments { get; private set; }

    /// <summary>Vectors inserted from the record store when the index was opened: a full rebuild, or the catch-up after a load.</summary>
    public long VectorsRebuilt { get; private set; }

    public int Count => Volatile.Read(ref _graph)?.Count ?? Volatile.Read(ref _exact)?.Count ?? 0;

    public long MemoryBytes
    {
        get
        {
            SegmentedVectorIndex? graph = Volatile.Read(ref _graph);
            if (graph is not null)
            {
                // Vectors, level-0 links (count + 2M), id and level bookkeeping; upper levels add about 1/M more links.
                // Segment pages are mapped, not allocated, but they are what a search touches: counted alike.
                return (long)graph.Count * ((Dimension * sizeof(float)) + ((1 + (2 * 16)) * sizeof(int)) + 32);
            }

            return Volatile.Read(ref _exact)?.MemoryBytes ?? 0;
        }
    }

    public void Upsert(long internalId, ReadOnlySpan<float> vector)
    {
        SegmentedVectorIndex? graph = _graph;
        if (graph is not null)
        {
            graph.Delete(internalId);
            graph.Add(internalId, vector);
            return;
        }

        ExactVectorIndex exact = _exact!;
        exact.Upsert(internalId, vector);
        if (exact.Count >= HnswThreshold)
        {
            exact.Snapshot(out long[] ids, out float[] vectors);
            Publish(BuildGraph(ids, vectors));
        }
    }

    public bool Delete(long internalId) => _graph?.Delete(internalId) ?? _exact!.Delete(internalId);

    public int Search(ReadOnlySpan<float> query, int k, Span<VectorSearchHit> results, IVectorIdFilter? filter = null)
    {
        SegmentedVectorIndex? graph = Volatile.Read(ref _graph);
        if (graph is null)
        {
            ExactVectorIndex? exact = Volatile.Read(ref _exact);
            if (exact is not null)
            {
                return exact.Search(query, k, results, filter);
            }

            graph = Volatile.Read(ref _graph)!;   // the exact tier is cleared only after the graph is published
        }

        if (filter is not null)
        {
            return SearchFiltered(graph, query, k, results, filter);
        }

        SearchHit[] hits = ArrayPool<SearchHit>.Shared.Rent(k);
        try
        {
            int found = graph.Search(query, k, hits, Math.Max(k, SearchEf));
            for (int i = 0; i < found; i++)
            {
                results[i] = new VectorSearchHit(hits[i].Id, hits[i].Distance);
            }

            return found;
        }
        finally
        {
            ArrayPool<SearchHit>.Shared.Return(hits);
        }
    }

    /// <summary>
    /// A filtered search in the graph tier, where asking the filter is the expensive part (a record read and a payload
    /// parse). First as a post-filter, as Qdrant and hnswlib do for permissive filters: an unfiltered search for
    /// <c>ef</c> candidates, the filter asked nearest first until k pass, <c>ef</c> widened fourfold while too few pass
    /// (up to <see cref="PostFilterMaxEf"/>). When the pass rate seen says widening will not reach k, the graph is walked
    /// with the filter (non-matches as waypoints), reusing every decision already made. Each id's filter decision is
    /// made at most once per query.
    /// </summary>
    private static int SearchFiltered(SegmentedVectorIndex graph, ReadOnlySpan<float> query, int k, Span<VectorSearchHit> results, IVectorIdFilter filter)
    {
        var decisions = new DecisionCache(filter);
        int ef = Math.Max(k, SearchEf);
        SearchHit[] hits = ArrayPool<SearchHit>.Shared.Rent(Math.Max(PostFilterMaxEf, k));
        try
        {
            while (true)
            {
                int found = graph.Search(query, ef, hits, ef);
                int accepted = 0;
                int asked = 0;
                for (int i = 0; i < found && accepted < k; i++)
                {
                    asked++;
                    if (decisions.Matches(hits[i].Id))
                    {
                        results[accepted++] = new VectorSearchHit(hits[i].Id, hits[i].Distance);
                    }
                }

                if (accepted == k || found < ef)
                {
                    return accepted; // k passed, or every reachable point was a candidate
                }

                int next = ef * 4;
                if (next > PostFilterMaxEf || (long)accepted * next < (long)k * asked)
                {
                    break; // at the pass rate seen, a wider candidate list would still come up short
                }

                ef = next;
            }

            int walked = graph.Search(query, k, hits, Math.Max(k, SearchEf), decisions);
            for (int i = 0; i < walked; i++)
            {
                results[i] = new VectorSearchHit(hits[i].Id, hits[i].Distance);
            }

            return walked;
        }
        finally
        {
            ArrayPool<SearchHit>.Shared.Return(hits);
        }
    }

    /// <summary>Replaces the whole content with the given vectors; the graph tier's files are discarded first.</summary>
    public void Rebuild(ReadOnlySpan<long> ids, ReadOnlySpan<float> vectors)
    {
        lock (_maintenanceLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            VectorsFromSegments = 0;
            VectorsRebuilt = ids.Length;
            SegmentedVectorIndex? old = _graph;
            if (ids.Length >= HnswThreshold)
            {
                Volatile.Write(ref _graph, null);
                old?.Dispose();
                Publish(BuildGraph(ids, vectors));
                return;
            }

            var exact = new ExactVectorIndex(Dimension, Metric);
            exact.Rebuild(ids, vectors);
            Volatile.Write(ref _exact, exact);
            Volatile.Write(ref _graph, null);
            old?.Dispose();
            DeleteFiles();
        }
    }

    /// <summary>
    /// Maps the segments a previous checkpoint left in <see cref="Directory"/> and makes them the graph tier, when they
    /// are usable: the manifest reads, every segment opens and passes its checksums, dimension and metric match, and the
    /// declared LSN is at most <paramref name="maxLsn"/> (the store's). The caller then brings the index up to date with
    /// <see cref="CollectSegmentIds"/> and <see cref="CatchUp"/>.
    /// </summary>
    /// <param name="maxLsn">The newest log position the records reflect.</param>
    /// <param name="segmentLsn">The log position the segments reflect.</param>
    /// <param name="refusal">Why present segments were refused (they are deleted then); null when there were none or they loaded.</param>
    /// <returns>Whether segments were loaded.</returns>
    public bool TryOpenSegments(long maxLsn, out long segmentLsn, out string? refusal)
    {
        segmentLsn = 0;
        refusal = null;
        lock (_maintenanceLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!System.IO.Directory.Exists(_directory) || !SegmentManifest.Exists(_directory))
            {
                DeleteFiles(); // segment files without a manifest never completed a checkpoint
                return false;
            }

            SegmentedVectorIndex? graph = null;
            try
            {
                graph = new SegmentedVectorIndex(_directory, GraphOptions(1024), sealThreshold: int.MaxValue);
                if (graph.PersistedLsn > maxLsn)
                {
                    throw new InvalidDataException($"the segments reflect LSN {graph.PersistedLsn}, beyond the records' {maxLsn}");
                }

                graph.VerifySegments();
                segmentLsn = graph.PersistedLsn;
                Volatile.Write(ref _graph, graph);
                Volatile.Write(ref _exact, null);
                return true;
            }
            catch (Exception exception) when (exception is IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException)
            {
                graph?.Dispose();
                refusal = exception.Message;
                DeleteFiles();
                return false;
            }
        }
    }

    /// <summary>Adds the id of every point live in the loaded segments to <paramref name="ids"/>.</summary>
    public void CollectSegmentIds(HashSet<long> ids) => Volatile.Read(ref _graph)?.CollectSegmentIds(ids);

    /// <summary>
    /// Finishes a load: deletes <paramref name="staleIds"/> from the segments (records gone, changed or without a
    /// vector since), then inserts the given vectors (records written after the segments' LSN) on all cores.
    /// </summary>
    public void CatchUp(IEnumerable<long> staleIds, ReadOnlySpan<long> ids, ReadOnlySpan<float> vectors)
    {
        SegmentedVectorIndex graph = Volatile.Read(ref _graph) ?? throw new InvalidOperationException("No segments are loaded.");
        foreach (long id in staleIds)
        {
            graph.Delete(id);
        }

        graph.AddBatch(ids, vectors);
        VectorsRebuilt = ids.Length;
        VectorsFromSegments = graph.Count - ids.Length;
    }

    /// <summary>
    /// Writes the graph tier's mutable part as a new segment (not yet named by the manifest); false in the exact tier.
    /// Mutations of this collection wait while the file is written.
    /// </summary>
    public bool SealForCheckpoint()
    {
        lock (_maintenanceLock)
        {
            if (_disposed || _graph is null)
            {
                return false;
            }

            _graph.SealMutable();
            return true;
        }
    }

    /// <summary>Names the current segments in the manifest as reflecting <paramref name="lsn"/>; no-op in the exact tier.</summary>
    public void PublishCheckpoint(long lsn)
    {
        lock (_maintenanceLock)
        {
            if (!_disposed)
            {
                _graph?.WriteManifest(lsn);
            }
        }
    }

    /// <summary>
    /// Merges the segments into one when there are more than <see cref="MaxSegments"/> or more than
    /// <see cref="CompactDeadFraction"/> of their nodes are deleted. Returns whether it did.
    /// </summary>
    public bool CompactIfWorthwhile()
    {
        lock (_maintenanceLock)
        {
            if (_disposed || _graph is null)
            {
                return false;
            }

            (long nodes, long live) = _graph.SegmentNodes;
            if (_graph.SegmentCount <= MaxSegments && nodes - live <= CompactDeadFraction * nodes)
            {
                return false;
            }

            _graph.Compact();
            return true;
        }
    }

    /// <summary>Copies the checkpointed segment files (manifest, segments, tombstones) into <paramref name="target"/>; nothing in the exact tier.</summary>
    public void CopyCheckpointTo(string target)
    {
        lock (_maintenanceLock)
        {
            if (!_disposed)
            {
                _graph?.CopyPersistedFiles(target);
            }
        }
    }

    /// <summary>Disposes the index and deletes its files (the collection was dropped).</summary>
    public void Drop()
    {
        lock (_maintenanceLock)
        {
            DisposeCore();
            DeleteFiles();
        }
    }

    public void Dispose()
    {
        lock (_maintenanceLock)
        {
            DisposeCore();
        }
    }

    private void DisposeCore()
    {
        if (_disposed)
        {
            return;
        }

        // Only the current tiers: a replaced tier may still serve a search in flight and is left to the collector.
        _disposed = true;
        _graph?.Dispose();
        _exact?.Dispose();
    }

    private HnswOptions GraphOptions(int capacity) => new()
    {
        Dimension = Dimension,
        Metric = Metric,
        EfSearch = SearchEf,
        InitialCapacity = capacity,
    };

    /// <summary>A fresh graph tier over an emptied directory, filled on all cores.</summary>
    private SegmentedVectorIndex BuildGraph(ReadOnlySpan<long> ids, ReadOnlySpan<float> vectors)
    {
        DeleteFiles();
        var graph = new SegmentedVectorIndex(_directory, GraphOptions(ids.Length + 1024), sealThreshold: int.MaxValue);
        graph.AddBatch(ids, vectors);
        return graph;
    }

    private void Publish(SegmentedVectorIndex graph)
    {
        Volatile.Write(ref _graph, graph);
        Volatile.Write(ref _exact, null);
    }

    private void DeleteFiles()
    {
        if (System.IO.Directory.Exists(_directory))
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>The storage layer's filter seen as the graph's filter, asking it at most once per id (one query's lifetime).</summary>
    private sealed class DecisionCache(IVectorIdFilter filter) : IIdFilter
    {
        private readonly Dictionary<long, bool> _decisions = new();

        public bool Matches(long id)
        {
            if (!_decisions.TryGetValue(id, out bool matches))
            {
                matches = filter.Matches(id);
                _decisions.Add(id, matches);
            }

            return matches;
        }
    }
}
