namespace AgentDb.Wire.Messages.Memory;

/// <summary>Bounds the agent-memory messages check on decode, before anything is allocated (docs/PROTOCOL.md section
/// 12). Part of the protocol: a peer may rely on them. Finer rules (a graph id's 128 bytes, a confidence in [0, 1]) are
/// the server's and answered with BAD_REQUEST.</summary>
public static class MemoryWireLimits
{
    /// <summary>Longest free-text content field (an episode's input, output and critique; a skill's description,
    /// signature and code; a text to embed), in UTF-8 bytes.</summary>
    public const int MaxContentBytes = 1024 * 1024;

    /// <summary>Most entries in one list or map field of a record (tags, metadata, labels, properties, evidence ids,
    /// edge types).</summary>
    public const int MaxListEntries = 4096;

    /// <summary>Most episodes in one EPISODE_STORE and operations in one MEMORY_BATCH.</summary>
    public const int MaxItems = 10_000;

    /// <summary>Most items in a certificate.</summary>
    public const int MaxCertificateItems = 250_000;

    /// <summary>Most results any list of results holds (edges, nodes, matches) and the largest limit a request may ask for.</summary>
    public const int MaxResults = 100_000;

    /// <summary>Largest k of a similarity search (as SEARCH).</summary>
    public const int MaxK = 10_000;

    /// <summary>Length of a SHA-256 hash (certificate content hashes and Merkle roots).</summary>
    public const int HashBytes = 32;

    /// <summary>Most critiques asked for per side by EPISODE_CRITIQUES.</summary>
    public const int MaxCritiques = 1_000;

    /// <summary>Deepest causal chain CAUSAL_CHAIN searches.</summary>
    public const int MaxChainDepth = 16;

    /// <summary>Largest node-expansion budget of CAUSAL_CHAIN.</summary>
    public const int MaxExpandedNodes = 1_000_000;

    /// <summary>Largest candidate factor of CAUSAL_RECALL.</summary>
    public const int MaxCandidateFactor = 100;

    /// <summary>Deepest graph walk (GRAPH_TRAVERSE, GRAPH_SHORTEST_PATH).</summary>
    public const int MaxGraphDepth = 32;

    /// <summary>Largest visit budget of a graph query.</summary>
    public const int MaxVisited = 1_000_000;

    /// <summary>Largest adjacency-scan budget of a graph query.</summary>
    public const int MaxEdgesScanned = 10_000_000;
}
