using System.Buffers;
using AgentDb.Index.Hnsw;
using AgentDb.Kernels;

namespace AgentDb.Index;

/// <summary>
/// A collection's vector index in two tiers: an exact scan while the collection is small — every stored vector is then
/// found, and a scan of a few thousand rows costs less than a graph — and an HNSW graph once it holds
/// <see cref="HnswThreshold"/> vectors (Qdrant makes the same cut with its indexing threshold). The switch builds the
/// graph from the exact tier on all cores, then publishes it; searches in flight finish on the tier they started on.
/// </summary>
/// <remarks>
/// As <see cref="ICollectionVectorIndex"/> requires: searches may run concurrently with everything; mutators are called
/// by one thread at a time. An update in the HNSW tier is a delete plus an add (the old node stays as a tombstoned
/// waypoint until the index is rebuilt on the next open).
/// </remarks>
internal sealed class TieredVectorIndex : ICollectionVectorIndex
{
    /// <summary>Vectors at which a collection moves from the exact scan to HNSW.</summary>
    public const int DefaultHnswThreshold = 20_000;

    /// <summary>The search breadth used by the HNSW tier (at least k).</summary>
    public const int SearchEf = 64;

    private ExactVectorIndex? _exact;
    private HnswIndex? _hnsw;

    public TieredVectorIndex(int dimension, DistanceMetric metric, int hnswThreshold = DefaultHnswThreshold)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hnswThreshold, 1);
        Dimension = dimension;
        Metric = metric;
        HnswThreshold = hnswThreshold;
        _exact = new ExactVectorIndex(dimension, metric);
    }

    public int Dimension { get; }

    public DistanceMetric Metric { get; }

    public int HnswThreshold { get; }

    /// <summary>Whether the graph tier is in use (for stats and tests).</summary>
    public bool UsesHnsw => Volatile.Read(ref _hnsw) is not null;

    public int Count => Volatile.Read(ref _hnsw)?.Count ?? Volatile.Read(ref _exact)?.Count ?? 0;

    public long MemoryBytes
    {
        get
        {
            HnswIndex? hnsw = Volatile.Read(ref _hnsw);
            if (hnsw is not null)
            {
                // Vectors, level-0 links (count + 2M), id and level bookkeeping; upper levels add about 1/M more links.
                return (long)hnsw.Count * ((Dimension * sizeof(float)) + ((1 + (2 * hnsw.M)) * sizeof(int)) + 32);
            }

            return Volatile.Read(ref _exact)?.MemoryBytes ?? 0;
        }
    }

    public void Upsert(long internalId, ReadOnlySpan<float> vector)
    {
        HnswIndex? hnsw = _hnsw;
        if (hnsw is not null)
        {
            hnsw.Delete(internalId);
            hnsw.Add(internalId, vector);
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

    public bool Delete(long internalId) => _hnsw?.Delete(internalId) ?? _exact!.Delete(internalId);

    public int Search(ReadOnlySpan<float> query, int k, Span<VectorSearchHit> results, IVectorIdFilter? filter = null)
    {
        HnswIndex? hnsw = Volatile.Read(ref _hnsw);
        if (hnsw is null)
        {
            ExactVectorIndex? exact = Volatile.Read(ref _exact);
            if (exact is not null)
            {
                return exact.Search(query, k, results, filter);
            }

            hnsw = Volatile.Read(ref _hnsw)!;   // the exact tier is cleared only after the graph is published
        }

        SearchHit[] hits = ArrayPool<SearchHit>.Shared.Rent(k);
        try
        {
            int found = hnsw.Search(query, k, hits, Math.Max(k, SearchEf), filter is null ? null : new FilterAdapter(filter));
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

    public void Rebuild(ReadOnlySpan<long> ids, ReadOnlySpan<float> vectors)
    {
        if (ids.Length >= HnswThreshold)
        {
            Publish(BuildGraph(ids, vectors));
            return;
        }

        var exact = new ExactVectorIndex(Dimension, Metric);
        exact.Rebuild(ids, vectors);
        Volatile.Write(ref _exact, exact);
        Volatile.Write(ref _hnsw, null);
    }

    public void Dispose()
    {
        // Only the current tiers: a replaced tier may still serve a search in flight and is left to the collector.
        _hnsw?.Dispose();
        _exact?.Dispose();
    }

    private HnswIndex BuildGraph(ReadOnlySpan<long> ids, ReadOnlySpan<float> vectors)
    {
        var hnsw = new HnswIndex(new HnswOptions
        {
            Dimension = Dimension,
            Metric = Metric,
            EfSearch = SearchEf,
            InitialCapacity = ids.Length + 1024,
        });
        hnsw.AddBatch(ids, vectors);
        return hnsw;
    }

    private void Publish(HnswIndex hnsw)
    {
        Volatile.Write(ref _hnsw, hnsw);
        Volatile.Write(ref _exact, null);
    }

    /// <summary>The storage layer's filter seen as the graph's filter.</summary>
    private sealed class FilterAdapter(IVectorIdFilter filter) : IIdFilter
    {
        public bool Matches(long id) => filter.Matches(id);
    }
}
