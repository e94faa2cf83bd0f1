namespace AgentDb.Memory.Graph;

/// <summary>What <see cref="GraphStore.ShortestPath"/> found. Immutable.</summary>
/// <param name="Path">A path with the fewest edges, or null when none was found.</param>
/// <param name="Truncated">True when the search ran out of its visit or scan budget before it could decide; false with a null path means no path within the depth.</param>
/// <param name="Visited">Distinct nodes discovered by both searches together.</param>
public sealed record ShortestPathResult(GraphPath? Path, bool Truncated, int Visited)
{
    /// <summary>Whether a path was found.</summary>
    public bool Found => Path is not null;
}
