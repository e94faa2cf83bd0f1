using AgentDb.Memory;
using AgentDb.Server.Network.Handlers;
using AgentDb.Wire.Frames;

namespace AgentDb.Server.Engine.Memory;

/// <summary>Registers the handlers that serve the agent-memory operations (docs/PROTOCOL.md section 12) from an
/// embedded <see cref="AgentMemory"/>.</summary>
internal static class MemoryHandlers
{
    /// <summary>Serves every agent-memory opcode from <paramref name="memory"/>, which must outlive the server.</summary>
    public static RequestHandlerRegistry Register(RequestHandlerRegistry registry, AgentMemory memory)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(memory);
        return registry
            .Register(Opcode.EpisodeStore, new EpisodeStoreHandler(memory))
            .Register(Opcode.EpisodeRetrieve, new EpisodeRetrieveHandler(memory))
            .Register(Opcode.EpisodeTaskStats, new EpisodeTaskStatsHandler(memory))
            .Register(Opcode.EpisodeCritiques, new EpisodeCritiquesHandler(memory))
            .Register(Opcode.EpisodeGet, new EpisodeGetHandler(memory))
            .Register(Opcode.SkillCreate, new SkillWriteHandler(memory, upsert: false))
            .Register(Opcode.SkillUpsert, new SkillWriteHandler(memory, upsert: true))
            .Register(Opcode.SkillGet, new SkillGetHandler(memory))
            .Register(Opcode.SkillSearch, new SkillSearchHandler(memory))
            .Register(Opcode.SkillRecordUse, new SkillRecordUseHandler(memory))
            .Register(Opcode.SkillConsolidate, new SkillConsolidateHandler(memory))
            .Register(Opcode.CausalAddEdge, new CausalAddEdgeHandler(memory))
            .Register(Opcode.CausalRemoveEdge, new CausalRemoveEdgeHandler(memory))
            .Register(Opcode.CausalEffects, new CausalEdgeQueryHandler(memory, effects: true))
            .Register(Opcode.CausalCauses, new CausalEdgeQueryHandler(memory, effects: false))
            .Register(Opcode.CausalChain, new CausalChainHandler(memory))
            .Register(Opcode.CausalRecall, new CausalRecallHandler(memory))
            .Register(Opcode.CausalGetEdge, new CausalGetEdgeHandler(memory))
            .Register(Opcode.GraphNodeAdd, new GraphNodeWriteHandler(memory, upsert: false))
            .Register(Opcode.GraphNodeUpsert, new GraphNodeWriteHandler(memory, upsert: true))
            .Register(Opcode.GraphNodeGet, new GraphNodeGetHandler(memory))
            .Register(Opcode.GraphNodeDelete, new GraphNodeDeleteHandler(memory))
            .Register(Opcode.GraphEdgeAdd, new GraphEdgeAddHandler(memory))
            .Register(Opcode.GraphEdgeGet, new GraphEdgeGetHandler(memory))
            .Register(Opcode.GraphEdgeDelete, new GraphEdgeDeleteHandler(memory))
            .Register(Opcode.GraphNeighbors, new GraphNeighborsHandler(memory))
            .Register(Opcode.GraphTraverse, new GraphTraverseHandler(memory))
            .Register(Opcode.GraphShortestPath, new GraphShortestPathHandler(memory))
            .Register(Opcode.GraphMatch, new GraphMatchHandler(memory))
            .Register(Opcode.GraphNodeSearch, new GraphNodeSearchHandler(memory))
            .Register(Opcode.MemoryBatch, new MemoryBatchHandler(memory))
            .Register(Opcode.CertificateVerify, new CertificateVerifyHandler(memory))
            .Register(Opcode.MemoryStats, new MemoryStatsHandler(memory));
    }
}
