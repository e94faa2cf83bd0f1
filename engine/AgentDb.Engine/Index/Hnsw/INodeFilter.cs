namespace AgentDb.Index.Hnsw;

/// <summary>
/// Which visited nodes a search may return; the others remain waypoints. A struct type argument of the search, so that
/// the unfiltered case compiles to a plain tombstone check.
/// </summary>
internal interface INodeFilter
{
    bool Accepts<TGraph>(in TGraph graph, int node)
        where TGraph : struct, IGraphView;
}
