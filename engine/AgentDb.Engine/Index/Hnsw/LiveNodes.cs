namespace AgentDb.Index.Hnsw;

/// <summary>Accepts every node not deleted.</summary>
internal readonly struct LiveNodes : INodeFilter
{
    public bool Accepts<TGraph>(in TGraph graph, int node)
        where TGraph : struct, IGraphView => !graph.IsDeleted(node);
}
