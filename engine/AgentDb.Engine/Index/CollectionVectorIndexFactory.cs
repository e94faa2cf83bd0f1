using AgentDb.Kernels;

namespace AgentDb.Index;

/// <summary>Chooses the vector index implementation for a collection.</summary>
internal static class CollectionVectorIndexFactory
{
    /// <summary>An exact scan while the collection is small, HNSW from <see cref="TieredVectorIndex.DefaultHnswThreshold"/> vectors on.</summary>
    public static ICollectionVectorIndex Create(int dimension, DistanceMetric metric) => new TieredVectorIndex(dimension, metric);
}
