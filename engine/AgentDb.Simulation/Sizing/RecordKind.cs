namespace AgentDb.Simulation.Sizing;

/// <summary>The kinds of record the sizing calculator counts, each measured on its own.</summary>
internal enum RecordKind
{
    /// <summary>A reflexion episode with its task vector.</summary>
    Episode,

    /// <summary>A skill with its code and vector.</summary>
    Skill,

    /// <summary>A causal edge between two memories.</summary>
    CausalEdge,

    /// <summary>A graph node with properties and an embedding.</summary>
    GraphNode,

    /// <summary>A graph edge with properties.</summary>
    GraphEdge,
}
