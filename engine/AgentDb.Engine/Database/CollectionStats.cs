using AgentDb.Kernels;

namespace AgentDb;

/// <summary>Per-collection figures in <see cref="DatabaseStats"/>.</summary>
/// <param name="Name">The collection's name.</param>
/// <param name="Dimension">Its vector dimension.</param>
/// <param name="Metric">Its distance metric.</param>
/// <param name="Records">Records stored.</param>
/// <param name="IndexedVectors">Vectors in its in-memory index.</param>
/// <param name="IndexMemoryBytes">Approximate memory held by its index.</param>
public sealed record CollectionStats(string Name, int Dimension, DistanceMetric Metric, long Records, long IndexedVectors, long IndexMemoryBytes);
