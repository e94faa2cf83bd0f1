namespace AgentDb.Index.Hnsw;

/// <summary>Orders by distance, then node, as a struct comparer so sorting neither boxes nor calls through a delegate.</summary>
internal readonly struct NodeDistanceAscending : IComparer<NodeDistance>
{
    public int Compare(NodeDistance x, NodeDistance y)
    {
        int byDistance = x.Distance.CompareTo(y.Distance);
        return byDistance != 0 ? byDistance : x.Node.CompareTo(y.Node);
    }
}
