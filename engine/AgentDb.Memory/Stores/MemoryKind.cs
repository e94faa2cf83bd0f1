namespace AgentDb.Memory.Stores;

/// <summary>The kinds of agent memory; with functional sharding each kind lives in a store of its own.</summary>
public enum MemoryKind
{
    /// <summary>Reflexion episodes (the only kind hash-partitioned by session id).</summary>
    Reflexion = 0,

    /// <summary>The skill library.</summary>
    Skills = 1,

    /// <summary>Causal edges between memories.</summary>
    Causal = 2,

    /// <summary>The graph store's nodes and edges.</summary>
    Graph = 3,
}
