namespace AgentDb.Wire.Frames;

/// <summary>The agent-memory opcodes (0x1000–0x14FF): which exist, their protocol names, and which write (and so need
/// the write role; the others need read).</summary>
public static class MemoryOpcodes
{
    // An array in numeric order: OpcodeInfo.All appends it to the core opcodes.
    private static readonly Opcode[] s_all =
    [
        Opcode.EpisodeStore, Opcode.EpisodeRetrieve, Opcode.EpisodeTaskStats, Opcode.EpisodeCritiques, Opcode.EpisodeGet,
        Opcode.SkillCreate, Opcode.SkillUpsert, Opcode.SkillGet, Opcode.SkillSearch, Opcode.SkillRecordUse, Opcode.SkillConsolidate,
        Opcode.CausalAddEdge, Opcode.CausalRemoveEdge, Opcode.CausalEffects, Opcode.CausalCauses, Opcode.CausalChain,
        Opcode.CausalRecall, Opcode.CausalGetEdge,
        Opcode.GraphNodeAdd, Opcode.GraphNodeUpsert, Opcode.GraphNodeGet, Opcode.GraphNodeDelete, Opcode.GraphEdgeAdd,
        Opcode.GraphEdgeGet, Opcode.GraphEdgeDelete, Opcode.GraphNeighbors, Opcode.GraphTraverse, Opcode.GraphShortestPath,
        Opcode.GraphMatch, Opcode.GraphNodeSearch,
        Opcode.MemoryBatch, Opcode.CertificateVerify, Opcode.MemoryStats,
    ];

    /// <summary>Every agent-memory opcode, in numeric order.</summary>
    public static ReadOnlySpan<Opcode> All => s_all;

    /// <summary>True when <paramref name="opcode"/> is a defined agent-memory operation.</summary>
    public static bool IsMemory(Opcode opcode) => Name(opcode) is not null;

    /// <summary>True for the agent-memory operations that write (they need the write role).</summary>
    public static bool IsWrite(Opcode opcode) => opcode is
        Opcode.EpisodeStore
        or Opcode.SkillCreate or Opcode.SkillUpsert or Opcode.SkillRecordUse or Opcode.SkillConsolidate
        or Opcode.CausalAddEdge or Opcode.CausalRemoveEdge
        or Opcode.GraphNodeAdd or Opcode.GraphNodeUpsert or Opcode.GraphNodeDelete or Opcode.GraphEdgeAdd or Opcode.GraphEdgeDelete
        or Opcode.MemoryBatch;

    /// <summary>The protocol name of an agent-memory opcode, e.g. <c>EPISODE_STORE</c>; null for any other value.</summary>
    public static string? Name(Opcode opcode) => opcode switch
    {
        Opcode.EpisodeStore => "EPISODE_STORE",
        Opcode.EpisodeRetrieve => "EPISODE_RETRIEVE",
        Opcode.EpisodeTaskStats => "EPISODE_TASK_STATS",
        Opcode.EpisodeCritiques => "EPISODE_CRITIQUES",
        Opcode.EpisodeGet => "EPISODE_GET",
        Opcode.SkillCreate => "SKILL_CREATE",
        Opcode.SkillUpsert => "SKILL_UPSERT",
        Opcode.SkillGet => "SKILL_GET",
        Opcode.SkillSearch => "SKILL_SEARCH",
        Opcode.SkillRecordUse => "SKILL_RECORD_USE",
        Opcode.SkillConsolidate => "SKILL_CONSOLIDATE",
        Opcode.CausalAddEdge => "CAUSAL_ADD_EDGE",
        Opcode.CausalRemoveEdge => "CAUSAL_REMOVE_EDGE",
        Opcode.CausalEffects => "CAUSAL_EFFECTS",
        Opcode.CausalCauses => "CAUSAL_CAUSES",
        Opcode.CausalChain => "CAUSAL_CHAIN",
        Opcode.CausalRecall => "CAUSAL_RECALL",
        Opcode.CausalGetEdge => "CAUSAL_GET_EDGE",
        Opcode.GraphNodeAdd => "GRAPH_NODE_ADD",
        Opcode.GraphNodeUpsert => "GRAPH_NODE_UPSERT",
        Opcode.GraphNodeGet => "GRAPH_NODE_GET",
        Opcode.GraphNodeDelete => "GRAPH_NODE_DELETE",
        Opcode.GraphEdgeAdd => "GRAPH_EDGE_ADD",
        Opcode.GraphEdgeGet => "GRAPH_EDGE_GET",
        Opcode.GraphEdgeDelete => "GRAPH_EDGE_DELETE",
        Opcode.GraphNeighbors => "GRAPH_NEIGHBORS",
        Opcode.GraphTraverse => "GRAPH_TRAVERSE",
        Opcode.GraphShortestPath => "GRAPH_SHORTEST_PATH",
        Opcode.GraphMatch => "GRAPH_MATCH",
        Opcode.GraphNodeSearch => "GRAPH_NODE_SEARCH",
        Opcode.MemoryBatch => "MEMORY_BATCH",
        Opcode.CertificateVerify => "CERTIFICATE_VERIFY",
        Opcode.MemoryStats => "MEMORY_STATS",
        _ => null,
    };
}
