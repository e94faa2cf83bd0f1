using AgentDb.Kernels;

namespace AgentDb.Index;

/// <summary>Chooses the vector index implementation for a collection.</summary>
internal static class CollectionVectorIndexFactory
{
    /// <summary>
    /// An exact scan while the collection is small, HNSW segments (kept in <paramref name="directory"/>) from
    /// <paramref name="hnswThreshold"/> vectors on, built with the collection's <paramref name="m"/> and
    /// <paramref name="efConstruction"/>.
    /// </summary>
    public static TieredVectorIndex Create(int dimension, DistanceMetric metric, int hnswThreshold, string directory, int m, int efConstruction) =>
        new(dimension, metric, hnswThreshold, directory, m: m, efConstruction: efConstruction);
}
