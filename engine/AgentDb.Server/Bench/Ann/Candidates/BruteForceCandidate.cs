using AgentDb.Kernels;
using AgentDb.Server.Bench.Ann.Data;

namespace AgentDb.Server.Bench.Ann.Candidates;

/// <summary>
/// The exact baseline: every query scans every base vector with our kernels (<see cref="Distance.ComputeMany"/>) and
/// keeps the k nearest. Its recall is 1 by construction, its speed is the floor an index must beat.
/// </summary>
internal sealed class BruteForceCandidate : IAnnCandidate
{
    private readonly DistanceMetric _metric;
    private VectorSet? _vectors;
    private float[] _distances = [];
    private DistanceMaxHeap? _heap;
    private int[] _nearest = [];

    /// <summary>A scan measuring distances with <paramref name="metric"/>.</summary>
    public BruteForceCandidate(DistanceMetric metric) => _metric = metric;

    /// <inheritdoc/>
    public string Name => "brute-force";

    /// <inheritdoc/>
    public string Detail => $"exact scan, AgentDb kernels ({Distance.ActivePath})";

    /// <inheritdoc/>
    public bool UsesEf => false;

    /// <inheritdoc/>
    public long? MemoryBytes => _vectors is null ? null : (long)_vectors.Data.Length * sizeof(float);

    /// <inheritdoc/>
    public void Build(VectorSet baseVectors, int threads)
    {
        ArgumentNullException.ThrowIfNull(baseVectors);

        // The scan reads the caller's array: a copy would only measure memcpy.
        _vectors = baseVectors;
        _distances = new float[baseVectors.Count];
    }

    /// <inheritdoc/>
    public int Search(ReadOnlySpan<float> query, int k, int ef, Span<long> ids)
    {
        VectorSet vectors = _vectors ?? throw new InvalidOperationException("Build must run before Search.");
        k = Math.Min(k, Math.Min(vectors.Count, ids.Length));
        if (k == 0)
        {
            return 0;
        }

        if (_heap is null || _heap.Capacity != k)
        {
            _heap = new DistanceMaxHeap(k);
            _nearest = new int[k];
        }

        Distance.ComputeMany(_metric, query, vectors.Data, _distances);
        GroundTruth.SelectNearest(_distances, _heap, _nearest);
        int found = 0;
        for (; found < k && _nearest[found] >= 0; found++)
        {
            ids[found] = _nearest[found];
        }

        return found;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
