using AgentDb.Kernels;

namespace AgentDb;

/// <summary>A collection as seen by writers at append time (created or dropped by entries that may not be applied yet).</summary>
internal readonly record struct LogicalCollection(long Id, int Dimension, DistanceMetric Metric, int HnswM, int HnswEfConstruction);
