using AgentDb.Kernels;

namespace AgentDb.Index;

/// <summary>Chooses the vector index implementation for a collection.</summary>
internal static class CollectionVectorIndexFactory
{
    /// <summary>An exact scan while the collection is small, HNSW from <paramref name="hnswThreshold"/> vectors on.</summary>
    public static ICollectionVectorIndex Create(int dimension, DistanceMetric metric, int hnswThreshold = TieredVectorIndex.DefaultHnswThreshold) =>
        new TieredVectorIndex(dimension, metric, hnswThreshold);
}
