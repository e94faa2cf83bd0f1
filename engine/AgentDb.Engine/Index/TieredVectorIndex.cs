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
/// with its indexing threshold).
/// </summary>
/// <remarks>
/// <para><b>Indexing is off the write path.</b> In the graph tier an upsert puts the vector into a backlog of not yet
/// indexed vectors (an exact-scan buffer) and returns; a background indexer moves the backlog into the mutable graph in
/// batches (<see cref="SegmentedVectorIndex.AddBatch"/>; a full batch on all cores, a small one on one thread). A
/// search scans the backlog exactly and merges it with the graph's hits, so every vector upserted before the search
/// started is a candidate at once; where an id is in the backlog, the backlog's vector is the current one and the
/// graph's hit for it is dropped. The switch from
/// the exact tier is the same thing: an empty graph is put in front of the exact rows, which become its backlog, and the
/// indexer fills the graph while the scan keeps serving. When the backlog exceeds its limit
/// (<see cref="DefaultMaxPendingVectors"/>) an upsert waits for the indexer, so memory and search time stay bounded.</para>
/// <para>The indexer moves a batch in three steps: copy up to <see cref="IndexerBatchSize"/> rows out of the backlog
/// and mark their ids in flight (short lock), link them into the graph (no lock shared with writers), then take each
/// from the backlog (short lock) — unless a write changed that id meanwhile: then the graph's node for it is the stale
/// one and is deleted, and the backlog keeps the new state.</para>
/// <para>As <see cref="ICollectionVectorIndex"/> requires: searches may run concurrently with everything; mutators are
/// called by one thread at a time. An update in the graph tier deletes the old point (in a segment it is tombstoned, a
/// waypoint until compaction; in the mutable graph it stays as a deleted waypoint) and puts the new vector in the
/// backlog.</para>
/// <para>Persistence (graph tier only; the exact tier is rebuilt by a scan of the records, which the catch-up after a
/// load needs anyway): <see cref="SealForCheckpoint"/> first drains the backlog into the graph (while the caller holds
/// writes back), then writes the mutable graph as a new segment, so the segment reflects exactly the writes
/// applied; <see cref="PublishCheckpoint"/> names the segments in the manifest together with the log position they
/// reflect, and <see cref="TryOpenSegments"/> maps them back on open. The maintenance calls (seal, publish, compact,
/// copy, dispose) are serialised by one lock; they may run beside searches and mutators. Dispose without a seal drops
/// the backlog (derived data: the records hold it).</para>
/// </remarks>
internal sealed class TieredVectorIndex : ICollectionVectorIndex
{
    /// <summary>Vectors at which a collection moves from the exact scan to HNSW.</summary>
    public const int DefaultHnswThreshold = 20_000;

    /// <summary>Unindexed vectors beyond which an upsert waits for the background indexer.</summary>
    public const int DefaultMaxPendingVectors = 65_536;

    /// <summary>The most vectors the background indexer links in one batch.</summary>
    public const int IndexerBatchSize = 2_048;

    /// <summary>The search breadth used by the HNSW tier when a search does not name one (raised to k).</summary>
    public const int SearchEf = 64;

    /// <summary>Links per node on the graph's upper levels when a collection does not name its own (level 0 keeps twice as many).</summary>
    public const int DefaultM = 16;

    /// <summary>The build beam width when a collection does not name its own.</summary>
    public const int DefaultEfConstruction = 200;

    /// <summary>The widest candidate list a filtered search post-filters before walking the graph with the filter.</summary>
    public const int PostFilterMaxEf = 1024;

    /// <summary>More segments than this are merged into one at the next checkpoint.</summary>
    public const int MaxSegments = 8;

    /// <summary>Segments are merged once more than this fraction of their nodes are deleted (tombstones and waypoints).</summary>
    public const double CompactDeadFraction = 0.2;

    private const int DrainBatchSize = 16_384;

    // Batches at least this large are linked on all cores (as a rebuild at open is); smaller ones, such as a
    // checkpoint's drain of a few hundred vectors, on one thread, where fanning out costs more than it saves.
    private const int ParallelLinkMinimum = 1_024;

    private readonly string _directory;
    private readonly int _maxPendingVectors;
    private readonly Lock _maintenanceLock = new();

    // Mutators and the indexer's take and finish steps; short. Never held while linking.
    private readonly Lock _tierLock = new();

    // One batch moves from the backlog to the graph at a time (the background indexer, or a drain). Taken before _tierLock.
    private readonly Lock _indexerLock = new();
    private readonly object _backlogShrunk = new();
    private readonly HashSet<long> _inFlight = new();
    private readonly HashSet<long> _changedInFlight = new();

    // The exact tier, or the graph tier's backlog of vectors not yet in the graph.
    private ExactVectorIndex _pending;
    private SegmentedVectorIndex? _graph;
    private int _liveCount;
    private int _indexerScheduled;
    private int _paused;
    private volatile Exception? _indexerFault;
    private volatile bool _disposed;

    /// <param name="dimension">Floats per vector.</param>
    /// <param name="metric">How distances are measured.</param>
    /// <param name="hnswThreshold">Vectors at which the graph tier takes over; at least 1.</param>
    /// <param name="directory">Where the graph tier keeps its segment files (created when first needed).</param>
    /// <param name="maxPendingVectors">Unindexed vectors beyond which an upsert waits for the indexer; at least 1.</param>
    /// <param name="m">The graph's links per node on upper levels; 2 to <see cref="HnswOptions.MaxM"/>.</param>
    /// <param name="efConstruction">The graph's build beam width; at least <paramref name="m"/>.</param>
    public TieredVectorIndex(int dimension, DistanceMetric metric, int hnswThreshold, string directory, int maxPendingVectors = DefaultMaxPendingVectors, int m = DefaultM, int efConstruction = DefaultEfConstruction)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hnswThreshold, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPendingVectors, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(m, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(m, HnswOptions.MaxM);
        ArgumentOutOfRangeException.ThrowIfLessThan(efConstruction, m);
        M = m;
        EfConstruction = efConstruction;
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Dimension = dimension;
        Metric = metric;
        HnswThreshold = hnswThreshold;
        _directory = directory;
        _maxPendingVectors = maxPendingVectors;
        _pending = new ExactVectorIndex(dimension, metric);
    }

    public int Dimension { get; }

    public DistanceMetric Metric { get; }

    public int HnswThreshold { get; }

    /// <summary>The graph tier's links per node on upper levels (level 0 keeps twice as many).</summary>
    public int M { get; }

    /// <summary>The graph tier's build beam width.</summary>
    public int EfConstruction { get; }

    /// <summary>The directory of the graph tier's files.</summary>
    public string Directory => _directory;

    /// <summary>Whether the graph tier is in use (for stats and tests).</summary>
    public bool UsesHnsw => Volatile.Read(ref _graph) is not null;

    /// <summary>For tests: the graph tier's <see cref="SegmentedVectorIndex.EfReferenceNodes"/>; 0 in the exact tier.</summary>
    internal int EfReferenceNodes => Volatile.Read(ref _graph)?.EfReferenceNodes ?? 0;

    /// <summary>Immutable segments the graph tier searches.</summary>
    public int SegmentCount => Volatile.Read(ref _graph)?.SegmentCount ?? 0;

    /// <summary>Vectors taken from segment files when the index was opened (not re-inserted).</summary>
    public long VectorsFromSegments { get; private set; }

    /// <summary>Vectors inserted from the record store when the index was opened: a full rebuild, or the catch-up after a load.</summary>
    public long VectorsRebuilt { get; private set; }

    /// <summary>Vectors upserted in the graph tier and not yet in the graph (searched exactly meanwhile); 0 in the exact tier.</summary>
    public int PendingVectors => Volatile.Read(ref _graph) is null ? 0 : Volatile.Read(ref _pending).Count;

    /// <summary>The failure that stopped the background indexer, if any (the backlog keeps serving searches exactly).</summary>
    public Exception? IndexerFault => _indexerFault;

    public int Count => Volatile.Read(ref _graph) is null ? Volatile.Read(ref _pending).Count : Volatile.Read(ref _liveCount);

    public long MemoryBytes
    {
        get
        {
            long pending = Volatile.Read(ref _pending).MemoryBytes;
            SegmentedVectorIndex? graph = Volatile.Read(ref _graph);
            if (graph is not null)
            {
                // Vectors, level-0 links (count + 2M), id and level bookkeeping; upper levels add about 1/M more links.
                // Segment pages are mapped, not allocated, but they are what a search touches: counted alike.
                return pending + ((long)graph.Count * ((Dimension * sizeof(float)) + ((1 + (2 * M)) * sizeof(int)) + 32));
            }

            return pending;
        }
    }

    public void Upsert(long internalId, ReadOnlySpan<float> vector)
    {
        lock (_tierLock)
        {
            SegmentedVectorIndex? graph = _graph;
            ExactVectorIndex pending = _pending;
            if (graph is null)
            {
                pending.Put(internalId, vector);
                if (pending.Count < HnswThreshold)
                {
                    return;
                }

                // The switch: an empty graph goes in front of the exact rows, which become its backlog; the indexer fills
                // the graph in the background while the scan keeps serving.
                DeleteFiles();
                graph = new SegmentedVectorIndex(_directory, GraphOptions(pending.Count + 1024), sealThreshold: int.MaxValue) { EfReferenceNodes = EfScaling.ReferenceNodes };
                Volatile.Write(ref _liveCount, pending.Count);
                Volatile.Write(ref _graph, graph);
            }
            else
            {
                bool existed = graph.Delete(internalId);
                existed |= !pending.Put(internalId, vector);
                if (!existed)
                {
                    Volatile.Write(ref _liveCount, _liveCount + 1);
                }

                NoteChangeInFlight(internalId);
            }
        }

        ScheduleIndexer();
        WaitWhileBacklogFull();
    }

    /// <summary>
    /// As <see cref="Upsert"/> for each pair in order (<paramref name="vectors"/>[i] holds the float32 bytes of
    /// <paramref name="internalIds"/>[i]). In the exact tier, the rows that keep it below <see cref="HnswThreshold"/> are
    /// stored under one lock (an applied log entry's vectors at once); the rest go through <see cref="Upsert"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The spans differ in length, or a vector is not of <see cref="Dimension"/> floats.</exception>
    public void UpsertMany(ReadOnlySpan<long> internalIds, ReadOnlySpan<ReadOnlyMemory<byte>> vectors)
    {
        if (internalIds.Length != vectors.Length)
        {
            throw new ArgumentException($"{internalIds.Length} ids but {vectors.Length} vectors.", nameof(vectors));
        }

        int done = 0;
        lock (_tierLock)
        {
            ExactVectorIndex pending = _pending;
            if (_graph is null)
            {
                // Each row adds at most one: stopping one short of the threshold leaves the switch to Upsert.
                done = Math.Min(internalIds.Length, Math.Max(0, HnswThreshold - 1 - pending.Count));
                if (done > 0)
                {
                    pending.PutMany(internalIds[..done], vectors[..done]);
                }
            }
        }

        for (int i = done; i < internalIds.Length; i++)
        {
            Upsert(internalIds[i], System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(vectors[i].Span));
        }
    }

    public bool Delete(long internalId)
    {
        lock (_tierLock)
        {
            bool existed = _pending.Delete(internalId);
            SegmentedVectorIndex? graph = _graph;
            if (graph is null)
            {
                return existed;
            }

            existed |= graph.Delete(internalId);
            if (existed)
            {
                Volatile.Write(ref _liveCount, _liveCount - 1);
            }

            NoteChangeInFlight(internalId);
            return existed;
        }
    }

    public int Search(ReadOnlySpan<float> query, int k, Span<VectorSearchHit> results, IVectorIdFilter? filter = null) =>
        Search(query, k, results, filter, SearchEf);

    /// <summary>
    /// As <see cref="Search(ReadOnlySpan{float}, int, Span{VectorSearchHit}, IVectorIdFilter?)"/>, with the graph tier's
    /// beam width <paramref name="ef"/> (raised to k; a filtered search starts its candidate list there). It is the beam
    /// for a graph of up to <see cref="EfScaling.ReferenceNodes"/> nodes: each part of the graph tier (the mutable graph,
    /// each segment) is searched with it widened by that part's size (<see cref="EfScaling"/>), so one ef keeps its recall
    /// as the collection grows. The exact tier and the backlog are scanned exactly whatever its value.
    /// </summary>
    public int Search(ReadOnlySpan<float> query, int k, Span<VectorSearchHit> results, IVectorIdFilter? filter, int ef)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ef, 1);
        SegmentedVectorIndex? graph = Volatile.Read(ref _graph);
        ExactVectorIndex pending = Volatile.Read(ref _pending); // replaced only by Rebuild, at open
        if (graph is null)
        {
            return pending.Search(query, k, results, filter);
        }

        // The backlog first: a vector that leaves it during this search was published in the graph before it left, so
        // the graph search that follows finds it.
        VectorSearchHit[] backlog = ArrayPool<VectorSearchHit>.Shared.Rent(k);
        VectorSearchHit[] indexed = ArrayPool<VectorSearchHit>.Shared.Rent(k);
        try
        {
            int fromBacklog = pending.Count == 0 ? 0 : pending.Search(query, k, backlog, filter);
            int fromGraph = filter is null ? SearchGraph(graph, query, k, indexed, ef) : SearchFiltered(graph, query, k, indexed, filter, ef);
            return Merge(pending, backlog.AsSpan(0, fromBacklog), indexed.AsSpan(0, fromGraph), k, results);
        }
        finally
        {
            ArrayPool<VectorSearchHit>.Shared.Return(indexed);
            ArrayPool<VectorSearchHit>.Shared.Return(backlog);
        }
    }

    /// <summary>
    /// A search restricted to <paramref name="candidateList"/> (a payload index's answer), exact in both tiers: the exact
    /// tier and the backlog compute the candidates' distances only; the graph scans the candidates' vectors (an
    /// <see cref="IdSetFilter"/> forced to its exact scan), never walking the graph. <paramref name="filter"/>, when
    /// given, holds the conditions the candidates were not chosen by; it is asked nearest first until k pass.
    /// </summary>
    public int SearchCandidates(ReadOnlySpan<float> query, int k, Span<VectorSearchHit> results, ReadOnlySpan<long> candidateList, IVectorIdFilter? filter)
    {
        SegmentedVectorIndex? graph = Volatile.Read(ref _graph);
        ExactVectorIndex pending = Volatile.Read(ref _pending);
        if (graph is null)
        {
            return pending.SearchCandidates(query, candidateList, k, results, filter);
        }

        int wanted = filter is null ? k : Math.Max(k, candidateList.Length); // with a filter: every candidate, nearest first
        VectorSearchHit[] backlog = ArrayPool<VectorSearchHit>.Shared.Rent(k);
        VectorSearchHit[] indexed = ArrayPool<VectorSearchHit>.Shared.Rent(k);
        SearchHit[] hits = ArrayPool<SearchHit>.Shared.Rent(wanted);
        try
        {
            int fromBacklog = pending.Count == 0 ? 0 : pending.SearchCandidates(query, candidateList, k, backlog, filter);
            var candidates = new HashSet<long>(candidateList.Length);
            foreach (long id in candidateList)
            {
                candidates.Add(id);
            }

            int found = graph.Search(query, wanted, hits, wanted, new IdSetFilter(candidates, scanExactly: true));
            int fromGraph = 0;
            for (int i = 0; i < found && fromGraph < k; i++)
            {
                if (filter is null || filter.Matches(hits[i].Id))
                {
                    indexed[fromGraph++] = new VectorSearchHit(hits[i].Id, hits[i].Distance);
                }
            }

            return Merge(pending, backlog.AsSpan(0, fromBacklog), indexed.AsSpan(0, fromGraph), k, results);
        }
        finally
        {
            ArrayPool<SearchHit>.Shared.Return(hits);
            ArrayPool<VectorSearchHit>.Shared.Return(indexed);
            ArrayPool<VectorSearchHit>.Shared.Return(backlog);
        }
    }

    /// <summary>
    /// Merges the backlog's hits with the graph's, nearest first, keeping k. A graph hit whose id is (still or again) in
    /// the backlog is dropped: the backlog holds that id's current vector.
    /// </summary>
    private static int Merge(ExactVectorIndex pending, ReadOnlySpan<VectorSearchHit> backlog, ReadOnlySpan<VectorSearchHit> indexed, int k, Span<VectorSearchHit> results)
    {
        bool checkBacklog = pending.Count > 0 || backlog.Length > 0;
        int count = 0;
        int b = 0;
        int g = 0;
        while (count < k && (b < backlog.Length || g < indexed.Length))
        {
            if (g >= indexed.Length || (b < backlog.Length && backlog[b].Distance <= indexed[g].Distance))
            {
                results[count++] = backlog[b++];
                continue;
            }

            VectorSearchHit hit = indexed[g++];
            if (checkBacklog && (Holds(backlog, hit.InternalId) || pending.Contains(hit.InternalId)))
            {
                continue;
            }

            results[count++] = hit;
        }

        return count;
    }

    private static bool Holds(ReadOnlySpan<VectorSearchHit> hits, long id)
    {
        foreach (VectorSearchHit hit in hits)
        {
            if (hit.InternalId == id)
            {
                return true;
            }
        }

        return false;
    }

    private static int SearchGraph(SegmentedVectorIndex graph, ReadOnlySpan<float> query, int k, Span<VectorSearchHit> results, int ef)
    {
        SearchHit[] hits = ArrayPool<SearchHit>.Shared.Rent(k);
        try
        {
            int found = graph.Search(query, k, hits, Math.Max(k, ef));
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
    private static int SearchFiltered(SegmentedVectorIndex graph, ReadOnlySpan<float> query, int k, Span<VectorSearchHit> results, IVectorIdFilter filter, int searchEf)
    {
        var decisions = new DecisionCache(filter);
        int beam = Math.Max(k, searchEf);
        int ef = beam;
        SearchHit[] hits = ArrayPool<SearchHit>.Shared.Rent(Math.Max(Math.Max(PostFilterMaxEf, k), beam));
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

            int walked = graph.Search(query, k, hits, beam, decisions);
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

    /// <summary>Replaces the whole content with the given vectors; the graph tier's files are discarded first. Used at open.</summary>
    public void Rebuild(ReadOnlySpan<long> ids, ReadOnlySpan<float> vectors)
    {
        lock (_maintenanceLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            lock (_indexerLock)
            {
                VectorsFromSegments = 0;
                VectorsRebuilt = ids.Length;
                SegmentedVectorIndex? old = _graph;
                var pending = new ExactVectorIndex(Dimension, Metric);
                if (ids.Length >= HnswThreshold)
                {
                    Volatile.Write(ref _graph, null);
                    old?.Dispose();
                    DeleteFiles();
                    var graph = new SegmentedVectorIndex(_directory, GraphOptions(ids.Length + 1024), sealThreshold: int.MaxValue) { EfReferenceNodes = EfScaling.ReferenceNodes };
                    graph.AddBatch(ids, vectors);
                    Volatile.Write(ref _pending, pending);
                    Volatile.Write(ref _liveCount, graph.Count);
                    Volatile.Write(ref _graph, graph);
                    return;
                }

                pending.Rebuild(ids, vectors);
                Volatile.Write(ref _pending, pending);
                Volatile.Write(ref _graph, null);
                old?.Dispose();
                DeleteFiles();
            }
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
                graph = new SegmentedVectorIndex(_directory, GraphOptions(1024), sealThreshold: int.MaxValue) { EfReferenceNodes = EfScaling.ReferenceNodes };
                if (graph.PersistedLsn > maxLsn)
                {
                    throw new InvalidDataException($"the segments reflect LSN {graph.PersistedLsn}, beyond the records' {maxLsn}");
                }

                graph.VerifySegments();
                segmentLsn = graph.PersistedLsn;
                Volatile.Write(ref _pending, new ExactVectorIndex(Dimension, Metric));
                Volatile.Write(ref _liveCount, graph.Count);
                Volatile.Write(ref _graph, graph);
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
        lock (_tierLock)
        {
            foreach (long id in staleIds)
            {
                graph.Delete(id);
            }

            graph.AddBatch(ids, vectors);
            Volatile.Write(ref _liveCount, graph.Count);
        }

        VectorsRebuilt = ids.Length;
        VectorsFromSegments = graph.Count - ids.Length;
    }

    /// <summary>
    /// Drains the backlog into the graph and writes the graph tier's mutable part as a new segment (not yet named by the
    /// manifest); false in the exact tier. The caller holds writes back, so the segment reflects exactly what was applied.
    /// </summary>
    /// <exception cref="IOException">The segment could not be written, or the background indexer failed earlier.</exception>
    public bool SealForCheckpoint()
    {
        lock (_maintenanceLock)
        {
            if (_disposed || _graph is null)
            {
                return false;
            }

            DrainPending();
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

    /// <summary>
    /// Moves the whole backlog into the graph now, whether the background indexer is paused or not; returns when the
    /// backlog is empty (vectors upserted meanwhile are moved too).
    /// </summary>
    /// <exception cref="IOException">The background indexer failed earlier: the backlog cannot be indexed.</exception>
    public void DrainPending()
    {
        while (MoveBatch(DrainBatchSize))
        {
        }

        if (_indexerFault is { } fault && PendingVectors > 0)
        {
            throw new IOException($"Indexing the vectors of '{_directory}' failed earlier; {PendingVectors} vectors remain unindexed.", fault);
        }
    }

    /// <summary>For tests: stops the background indexer after the batch it is linking (waits for that batch).</summary>
    internal void PauseIndexing()
    {
        Volatile.Write(ref _paused, 1);
        lock (_indexerLock)
        {
            // a batch being linked finishes before this returns
        }
    }

    /// <summary>For tests: lets the background indexer run again.</summary>
    internal void ResumeIndexing()
    {
        Volatile.Write(ref _paused, 0);
        ScheduleIndexer();
    }

    /// <summary>For tests: waits until the background indexer has emptied the backlog; false when it did not in time.</summary>
    internal bool WaitForIndexing(TimeSpan timeout) =>
        SpinWait.SpinUntil(() => PendingVectors == 0 || _indexerFault is not null, timeout) && _indexerFault is null;

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

        _disposed = true;
        lock (_backlogShrunk)
        {
            Monitor.PulseAll(_backlogShrunk);
        }

        lock (_indexerLock)
        {
            // The background indexer sees _disposed before its next batch; this waits for the one in progress.
        }

        // Only the current tiers: a replaced tier may still serve a search in flight and is left to the collector.
        _graph?.Dispose();
        _pending.Dispose();
    }

    /// <summary>Starts the background indexer on the thread pool unless it runs, is paused, failed or has nothing to do.</summary>
    private void ScheduleIndexer()
    {
        if (_disposed || Volatile.Read(ref _paused) != 0 || _indexerFault is not null || PendingVectors == 0)
        {
            return;
        }

        if (Interlocked.CompareExchange(ref _indexerScheduled, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static index => index.RunIndexer(), this, preferLocal: false);
        }
    }

    private void RunIndexer()
    {
        try
        {
            while (!_disposed && Volatile.Read(ref _paused) == 0 && MoveBatch(IndexerBatchSize))
            {
            }
        }
        catch (Exception exception)
        {
            // The backlog keeps serving searches exactly; a checkpoint reports the failure (DrainPending).
            _indexerFault = exception;
            lock (_backlogShrunk)
            {
                Monitor.PulseAll(_backlogShrunk);
            }
        }
        finally
        {
            Volatile.Write(ref _indexerScheduled, 0);
        }

        ScheduleIndexer(); // vectors upserted after the last look
    }

    /// <summary>
    /// Moves up to <paramref name="maxRows"/> vectors from the backlog into the graph; false when there was nothing to move
    /// (or the index is disposed). See the class remarks for the three steps.
    /// </summary>
    private bool MoveBatch(int maxRows)
    {
        lock (_indexerLock)
        {
            SegmentedVectorIndex? graph = _graph;
            if (_disposed || graph is null || _indexerFault is not null)
            {
                return false;
            }

            long[] ids;
            float[] vectors;
            int rows;
            lock (_tierLock)
            {
                rows = Math.Min(_pending.Count, maxRows);
                if (rows == 0)
                {
                    return false;
                }

                ids = ArrayPool<long>.Shared.Rent(rows);
                vectors = ArrayPool<float>.Shared.Rent(rows * Dimension);
                rows = _pending.CopyRows(ids.AsSpan(0, rows), vectors.AsSpan(0, rows * Dimension));
                for (int i = 0; i < rows; i++)
                {
                    _inFlight.Add(ids[i]);
                }
            }

            try
            {
                // Large batches on all cores, small ones on one thread: see ParallelLinkMinimum.
                int threads = rows >= ParallelLinkMinimum ? -1 : 1;
                graph.AddBatch(ids.AsSpan(0, rows), vectors.AsSpan(0, rows * Dimension), threads);
                lock (_tierLock)
                {
                    for (int i = 0; i < rows; i++)
                    {
                        if (_changedInFlight.Contains(ids[i]))
                        {
                            graph.Delete(ids[i]); // written or deleted while linking: the node just linked is stale
                        }
                        else
                        {
                            _pending.Delete(ids[i]);
                        }
                    }
                }
            }
            finally
            {
                lock (_tierLock)
                {
                    _inFlight.Clear();
                    _changedInFlight.Clear();
                }

                ArrayPool<float>.Shared.Return(vectors);
                ArrayPool<long>.Shared.Return(ids);
            }
        }

        lock (_backlogShrunk)
        {
            Monitor.PulseAll(_backlogShrunk);
        }

        return true;
    }

    /// <summary>Under <see cref="_tierLock"/>: records that a write touched an id the indexer is linking.</summary>
    private void NoteChangeInFlight(long internalId)
    {
        if (_inFlight.Count > 0 && _inFlight.Contains(internalId))
        {
            _changedInFlight.Add(internalId);
        }
    }

    /// <summary>Backpressure: while the backlog is over its limit, the writer waits for the indexer.</summary>
    private void WaitWhileBacklogFull()
    {
        if (Volatile.Read(ref _pending).Count <= _maxPendingVectors || _graph is null)
        {
            return;
        }

        lock (_backlogShrunk)
        {
            while (Volatile.Read(ref _pending).Count > _maxPendingVectors && !_disposed && _indexerFault is null && Volatile.Read(ref _paused) == 0)
            {
                Monitor.Wait(_backlogShrunk, 100);
            }
        }
    }

    private HnswOptions GraphOptions(int capacity) => new()
    {
        Dimension = Dimension,
        Metric = Metric,
        M = M,
        EfConstruction = EfConstruction,
        EfSearch = SearchEf,
        InitialCapacity = capacity,
    };

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
