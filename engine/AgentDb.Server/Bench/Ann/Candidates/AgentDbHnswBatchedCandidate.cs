using AgentDb.Index.Hnsw;
using AgentDb.Kernels;
using AgentDb.Server.Bench.Ann.Data;

namespace AgentDb.Server.Bench.Ann.Candidates;

/// <summary>
/// Our HNSW index built the way a database's background indexer builds it: <see cref="HnswIndex.AddBatch"/> calls of
/// <see cref="BatchSize"/> rows (the indexer's batch, <c>TieredVectorIndex.IndexerBatchSize</c>), each linked on the
/// build's threads, in order. Same parameters as <see cref="AgentDbHnswCandidate"/>: the two differ only in how the
/// build is cut, so a quality difference between them is the batching's.
/// </summary>
internal sealed class AgentDbHnswBatchedCandidate(DistanceMetric metric) : IAnnCandidate
{
    /// <summary>Rows per <see cref="HnswIndex.AddBatch"/> call, as the background indexer moves them.</summary>
    public const int BatchSize = 2_048;

    private HnswIndex? _index;
    private SearchHit[] _hits = [];

    public string Name => CandidateCatalog.AgentDbHnswBatched;

    public string Detail => $"AgentDb HnswIndex in batches of {BatchSize} (M=16, ef_construction=200, kernels {Distance.ActivePath})";

    public bool UsesEf => true;

    /// <summary>Null: the harness measures the managed-heap growth during <see cref="Build"/>, which is all of the index.</summary>
    public long? MemoryBytes => null;

    public void Build(VectorSet baseVectors, int threads)
    {
        _index?.Dispose();
        _index = new HnswIndex(new HnswOptions
        {
            Dimension = baseVectors.Dimension,
            Metric = metric,
            M = 16,
            EfConstruction = 200,
            InitialCapacity = baseVectors.Count,
        });
        int dimension = baseVectors.Dimension;
        var ids = new long[BatchSize];
        for (int first = 0; first < baseVectors.Count; first += BatchSize)
        {
            int rows = Math.Min(BatchSize, baseVectors.Count - first);
            for (int i = 0; i < rows; i++)
            {
                ids[i] = first + i;
            }

            _index.AddBatch(ids.AsSpan(0, rows), baseVectors.Data.AsSpan(first * dimension, rows * dimension), maxDegreeOfParallelism: threads);
        }
    }

    public int Search(ReadOnlySpan<float> query, int k, int ef, Span<long> ids)
    {
        if (_hits.Length < k)
        {
            _hits = new SearchHit[k];
        }

        int found = _index!.Search(query, k, _hits, ef);
        for (int i = 0; i < found; i++)
        {
            ids[i] = _hits[i].Id;
        }

        return found;
    }

    public void Dispose() => _index?.Dispose();
}
