namespace AgentDb.Wire.Messages.Memory;

/// <summary>Which edges of a node to follow. Persisted on the wire: values are explicit and append-only.</summary>
public enum WireGraphDirection : byte
{
    /// <summary>Edges leaving the node.</summary>
    Out = 0,

    /// <summary>Edges arriving at the node.</summary>
    In = 1,

    /// <summary>Both.</summary>
    Both = 2,
}
