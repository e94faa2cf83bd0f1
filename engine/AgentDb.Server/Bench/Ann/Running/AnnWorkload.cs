using AgentDb.Kernels;
using AgentDb.Server.Bench.Ann.Data;

namespace AgentDb.Server.Bench.Ann.Running;

/// <summary>Everything a benchmark run measures every candidate against: the data, its ground truth and the sweep.</summary>
/// <param name="Name">A short name of the data set, for the report.</param>
/// <param name="Base">The vectors indexed; id = row number.</param>
/// <param name="Queries">The vectors searched for.</param>
/// <param name="GroundTruth">The exact neighbours of each query, at least <paramref name="K"/> wide.</param>
/// <param name="Metric">How distances are measured.</param>
/// <param name="K">Neighbours asked for, and the k of recall@k.</param>
/// <param name="EfList">The search breadths of the sweep, in order.</param>
/// <param name="Threads">Threads for builds.</param>
/// <param name="MeasureSingleThreadBuild">Whether each index is also built once on one thread, for that time alone.</param>
/// <param name="BasePath">Where <paramref name="Base"/> is on disk (out-of-process peers read it).</param>
/// <param name="QueryPath">Where <paramref name="Queries"/> is on disk.</param>
/// <param name="GroundTruthPath">Where <paramref name="GroundTruth"/> is on disk.</param>
/// <param name="WorkDirectory">Scratch space for peers' answers.</param>
internal sealed record AnnWorkload(
    string Name,
    VectorSet Base,
    VectorSet Queries,
    NeighborTable GroundTruth,
    DistanceMetric Metric,
    int K,
    IReadOnlyList<int> EfList,
    int Threads,
    bool MeasureSingleThreadBuild,
    string BasePath,
    string QueryPath,
    string GroundTruthPath,
    string WorkDirectory);
