namespace AgentDb.Memory.Graph;

/// <summary>Which edges of a node to follow.</summary>
public enum GraphDirection
{
    /// <summary>Edges leaving the node (the node is the edge's <c>From</c>).</summary>
    Out = 0,

    /// <summary>Edges arriving at the node (the node is the edge's <c>To</c>).</summary>
    In = 1,

    /// <summary>Both.</summary>
    Both = 2,
}
