using AgentDb.Kernels;

namespace AgentDb.Index.Hnsw;

/// <summary>The frozen internals of an <see cref="HnswIndex"/>, valid between its AcquireSnapshot and ReleaseSnapshot.</summary>
internal readonly record struct HnswSnapshot(
    GraphStorage Storage, DistanceMetric Metric, int EfSearch, int NodeCount, int LiveCount, int EntryPoint, int MaxLevel);
