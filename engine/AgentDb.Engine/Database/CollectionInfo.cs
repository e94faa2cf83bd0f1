using AgentDb.Kernels;

namespace AgentDb;

/// <summary>A collection's schema and size.</summary>
/// <param name="Name">The collection's name.</param>
/// <param name="Dimension">The dimension every vector in it must have.</param>
/// <param name="Metric">How vector distances are measured.</param>
/// <param name="CreatedUnixMs">When it was created (Unix milliseconds, UTC).</param>
/// <param name="RecordCount">Records in it when this was read.</param>
public sealed record CollectionInfo(string Name, int Dimension, DistanceMetric Metric, long CreatedUnixMs, long RecordCount)
{
    /// <summary>HNSW links per node on upper levels (level 0 keeps twice as many), fixed at creation.</summary>
    public int HnswM { get; init; } = AgentDatabase.DefaultHnswM;

    /// <summary>HNSW build beam width, fixed at creation.</summary>
    public int HnswEfConstruction { get; init; } = AgentDatabase.DefaultHnswEfConstruction;

    /// <summary>The top-level payload fields with an equality index (<see cref="AgentDatabase.CreatePayloadIndex"/>).</summary>
    public IReadOnlyList<string> PayloadIndexes { get; init; } = [];
}
