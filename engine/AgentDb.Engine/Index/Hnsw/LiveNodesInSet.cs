namespace AgentDb.Index.Hnsw;

/// <summary>Accepts live nodes whose id is in an <see cref="IdSetFilter"/>: the sealed type lets the lookup inline.</summary>
internal readonly struct LiveNodesInSet(IdSetFilter set) : INodeFilter
{
    public bool Accepts<TGraph>(in TGraph graph, int node)
        where TGraph : struct, IGraphView => !graph.IsDeleted(node) && set.Matches(graph.GetId(node));
}
