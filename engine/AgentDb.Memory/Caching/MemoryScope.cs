namespace AgentDb.Memory.Caching;

/// <summary>The kinds of memory a cached query read; a write to any of them invalidates it.</summary>
[Flags]
public enum MemoryScope
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>Reflexion episodes.</summary>
    Reflexion = 1,

    /// <summary>The skill library.</summary>
    Skills = 2,

    /// <summary>Causal edges.</summary>
    Causal = 4,

    /// <summary>The graph store.</summary>
    Graph = 8,
}
