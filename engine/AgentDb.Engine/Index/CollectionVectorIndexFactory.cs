using AgentDb.Kernels;

namespace AgentDb.Index;

/// <summary>Chooses the vector index implementation for a collection: the one line to change when HNSW arrives.</summary>
internal static class CollectionVectorIndexFactory
{
    public static ICollectionVectorIndex Create(int dimension, DistanceMetric metric) => new ExactVectorIndex(dimension, metric);
}
