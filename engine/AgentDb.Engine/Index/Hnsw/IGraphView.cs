namespace AgentDb.Index.Hnsw;

/// <summary>
/// Read access to an HNSW graph, whatever holds it: managed arrays of the mutable index (<see cref="MutableGraphView"/>)
/// or a memory-mapped segment file. The search algorithm (<see cref="HnswSearch"/>) is generic over a struct implementing
/// this, so each storage gets its own compiled copy with every call inlined.
/// </summary>
/// <remarks>
/// A view is a snapshot of where the graph starts (entry point, top level): take a new one per search.
/// Node numbers are dense, in [0, <see cref="NodeBound"/>).
/// </remarks>
internal interface IGraphView
{
    /// <summary>One past the largest node number the graph may contain: the size a visited set must have.</summary>
    int NodeBound { get; }

    /// <summary>The most links any list holds (level 0's maximum degree).</summary>
    int MaxDegree { get; }

    /// <summary>The node searches start from, or -1 for an empty graph.</summary>
    int EntryPoint { get; }

    /// <summary>The level of <see cref="EntryPoint"/>, the top of the graph.</summary>
    int MaxLevel { get; }

    /// <summary>The number of points a search can return (not deleted), to judge a filter's selectivity.</summary>
    int LiveCount { get; }

    /// <summary>The stored vector of <paramref name="node"/> (normalised for cosine).</summary>
    ReadOnlySpan<float> GetVector(int node);

    /// <summary>
    /// The neighbours of <paramref name="node"/> on <paramref name="level"/>, a consistent list even while writers
    /// update it. May be copied into <paramref name="buffer"/> (at least <see cref="MaxDegree"/> long) or returned in place.
    /// </summary>
    ReadOnlySpan<int> GetNeighbors(int node, int level, Span<int> buffer);

    /// <summary>Whether <paramref name="node"/> was deleted: it stays a waypoint but is never returned.</summary>
    bool IsDeleted(int node);

    /// <summary>The caller's id of <paramref name="node"/>.</summary>
    long GetId(int node);

    /// <summary>Finds the node holding <paramref name="id"/> (deleted or not); false if none.</summary>
    bool TryGetNode(long id, out int node);
}
