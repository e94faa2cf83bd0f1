using AgentDb.Index.Hnsw;
using AgentDb.Kernels;
using AgentDb.Server.Bench.Ann.Data;

namespace AgentDb.Server.Bench.Ann.Candidates;

/// <summary>Our HNSW index with the peers' parameters: M 16, ef_construction 200.</summary>
internal sealed class AgentDbHnswCandidate(DistanceMetric metric) : IAnnCandidate
{
    private HnswIndex? _index;
    private SearchHit[] _hits = [];

    public string Name => CandidateCatalog.AgentDbHnsw;

    public string Detail => $"AgentDb HnswIndex (M=16, ef_construction=200, kernels {Distance.ActivePath})";

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
        var ids = new long[baseVectors.Count];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = i;
        }

        _index.AddBatch(ids, baseVectors.Data, maxDegreeOfParallelism: threads);
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
