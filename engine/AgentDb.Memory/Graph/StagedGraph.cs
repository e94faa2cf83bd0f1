namespace AgentDb.Memory.Graph;

/// <summary>
/// What one write set has staged in the graph so far, so later stage calls of the same set stay consistent without
/// reading the uncommitted batch: an edge may join nodes staged earlier in the set, a node cascade skips edges already
/// deleted in it, and conflicting operations on one id are refused with a clear message before anything is staged.
/// </summary>
internal sealed class StagedGraph
{
    public HashSet<string> UpsertedNodes { get; } = new(StringComparer.Ordinal);

    public HashSet<string> DeletedNodes { get; } = new(StringComparer.Ordinal);

    /// <summary>Nodes read from the store and found to exist (saves repeated reads when a batch adds many edges).</summary>
    public HashSet<string> KnownNodes { get; } = new(StringComparer.Ordinal);

    public HashSet<string> AddedEdges { get; } = new(StringComparer.Ordinal);

    public HashSet<string> DeletedEdges { get; } = new(StringComparer.Ordinal);

    /// <summary>Ends of the edges added in this set: such a node may not be deleted in the same set.</summary>
    public HashSet<string> EdgeEnds { get; } = new(StringComparer.Ordinal);

    /// <summary>Every node, adjacency list and edge this set writes (what becomes in flight when it is appended).</summary>
    public HashSet<(GraphKeyKind Kind, string Id)> Touched { get; } = new();

    public bool IsEmpty => UpsertedNodes.Count == 0 && DeletedNodes.Count == 0 && AddedEdges.Count == 0 && DeletedEdges.Count == 0;

    public void Clear()
    {
        UpsertedNodes.Clear();
        DeletedNodes.Clear();
        KnownNodes.Clear();
        AddedEdges.Clear();
        DeletedEdges.Clear();
        EdgeEnds.Clear();
        Touched.Clear();
    }

    public void Touch(GraphKeyKind kind, string id) => Touched.Add((kind, id));
}

/// <summary>What part of the graph a key names, for tracking writes in flight.</summary>
internal enum GraphKeyKind : byte
{
    /// <summary>A node's record and label entries.</summary>
    Node,

    /// <summary>A node's adjacency entries (its edges, both ways).</summary>
    Adjacency,

    /// <summary>An edge's record.</summary>
    Edge,
}
