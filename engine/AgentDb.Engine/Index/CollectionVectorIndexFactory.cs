using AgentDb.Kernels;

namespace AgentDb.Index;

/// <summary>Chooses the vector index implementation for a collection.</summary>
internal static class CollectionVectorIndexFactory
{
    /// <summary>
    /// An exact scan while the collection is small, HNSW segments (kept in <paramref name="directory"/>) from
    /// <paramref name="hnswThreshold"/> vectors on.
    /// </summary>
    public static TieredVectorIndex Create(int dimension, DistanceMetric metric, int hnswThreshold, string directory) =>
        new(dimension, metric, hnswThreshold, directory);
}
