using AgentDb.Index.Hnsw;
using AgentDb.Kernels;
using AgentDb.Server.Bench.Ann.Data;

namespace AgentDb.Server.Bench.Ann.Candidates;

/// <summary>
/// Our HNSW index with the peers' parameters: M 16, ef_construction 200. Built with one
/// <see cref="HnswIndex.AddBatch"/> of every row (<paramref name="batchSize"/> 0), or the way a database's background
/// indexer builds it: calls of <paramref name="batchSize"/> rows (<see cref="IndexerBatchSize"/>, the indexer's batch),
/// each linked on the build's threads, in order — so a quality difference between the two is the batching's.
/// </summary>
internal sealed class AgentDbHnswCandidate(DistanceMetric metric, int batchSize = 0) : IAnnCandidate
{
    /// <summary>Rows per <see cref="HnswIndex.AddBatch"/> call as the background indexer moves them (<c>TieredVectorIndex.IndexerBatchSize</c>).</summary>
    public const int IndexerBatchSize = 2_048;

    private HnswIndex? _index;
    private SearchHit[] _hits = [];

    public string Name => batchSize > 0 ? CandidateCatalog.AgentDbHnswBatched : CandidateCatalog.AgentDbHnsw;

    public string Detail => batchSize > 0
        ? $"AgentDb HnswIndex in batches of {batchSize} (M=16, ef_construction=200, kernels {Distance.ActivePath})"
        : $"AgentDb HnswIndex (M=16, ef_construction=200, kernels {Distance.ActivePath})";

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
        int step = batchSize > 0 ? batchSize : Math.Max(baseVectors.Count, 1);
        var ids = new long[Math.Min(step, baseVectors.Count)];
        for (int first = 0; first < baseVectors.Count; first += step)
        {
            int rows = Math.Min(step, baseVectors.Count - first);
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
