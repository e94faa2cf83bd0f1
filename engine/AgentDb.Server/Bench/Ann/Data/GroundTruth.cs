using AgentDb.Kernels;

namespace AgentDb.Server.Bench.Ann.Data;

/// <summary>
/// Exact nearest neighbours by brute force: every query against every base vector with
/// <see cref="Distance.ComputeMany"/>, queries spread over threads. Ties are broken by the smaller id, so the
/// result is deterministic whatever the thread count.
/// </summary>
internal static class GroundTruth
{
    /// <summary>The width ground-truth files are computed at, as in the TEXMEX and ann-benchmarks sets.</summary>
    public const int DefaultWidth = 100;

    /// <summary>
    /// The <paramref name="k"/> nearest base vectors of each query (fewer base vectors than k leave -1 in the tail).
    /// </summary>
    /// <exception cref="ArgumentException">The sets differ in dimension, or k or threads is not positive.</exception>
    public static NeighborTable Compute(VectorSet baseVectors, VectorSet queries, DistanceMetric metric, int k, int threads)
    {
        ArgumentNullException.ThrowIfNull(baseVectors);
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (baseVectors.Dimension != queries.Dimension)
        {
            throw new ArgumentException($"Base vectors have dimension {baseVectors.Dimension}, queries {queries.Dimension}.", nameof(queries));
        }

        var table = NeighborTable.CreateEmpty(queries.Count, k);
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
        Parallel.For(
            0,
            queries.Count,
            options,
            () => new Scratch(baseVectors.Count, k),
            (q, _, scratch) =>
            {
                Distance.ComputeMany(metric, queries.Row(q), baseVectors.Data, scratch.Distances);
                SelectNearest(scratch.Distances, scratch.Heap, table.MutableRow(q));
                return scratch;
            },
            _ => { });
        return table;
    }

    /// <summary>
    /// Writes into <paramref name="nearest"/> the ids of the <c>nearest.Length</c> smallest distances, ascending by
    /// (distance, id). NaN distances are never selected.
    /// </summary>
    internal static void SelectNearest(ReadOnlySpan<float> distances, DistanceMaxHeap heap, Span<int> nearest)
    {
        heap.Clear();
        for (int i = 0; i < distances.Length; i++)
        {
            float d = distances[i];
            if (float.IsNaN(d))
            {
                continue;
            }

            // Ids arrive in increasing order, so on equal distances the earlier (smaller) id already held wins.
            if (heap.Count < heap.Capacity)
            {
                heap.Push(d, i);
            }
            else if (d < heap.TopDistance)
            {
                heap.ReplaceTop(d, i);
            }
        }

        nearest.Fill(-1);
        for (int slot = heap.Count - 1; slot >= 0; slot--)
        {
            nearest[slot] = heap.PopId();
        }
    }

    private sealed class Scratch(int baseCount, int k)
    {
        public float[] Distances { get; } = new float[baseCount];

        public DistanceMaxHeap Heap { get; } = new(k);
    }
}
