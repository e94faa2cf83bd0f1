namespace AgentDb.Index.Hnsw;

/// <summary>Accepts live nodes whose id a caller's <see cref="IIdFilter"/> matches.</summary>
internal readonly struct LiveNodesMatching(IIdFilter filter) : INodeFilter
{
    public bool Accepts<TGraph>(in TGraph graph, int node)
        where TGraph : struct, IGraphView => !graph.IsDeleted(node) && filter.Matches(graph.GetId(node));
}
