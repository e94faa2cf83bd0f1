namespace AgentDb.Memory.Graph;

/// <summary>
/// A walk through the graph: node ids from the start to the end, and the ids of the edges between consecutive nodes
/// (<c>EdgeIds[i]</c> links <c>NodeIds[i]</c> and <c>NodeIds[i + 1]</c>, in either direction when traversing both ways).
/// </summary>
/// <param name="NodeIds">The nodes, start first.</param>
/// <param name="EdgeIds">The edges, one fewer than the nodes.</param>
public sealed record GraphPath(IReadOnlyList<string> NodeIds, IReadOnlyList<string> EdgeIds)
{
    /// <summary>The number of edges.</summary>
    public int Length => EdgeIds.Count;
}
