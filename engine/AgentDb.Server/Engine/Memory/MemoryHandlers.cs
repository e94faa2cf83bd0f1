using AgentDb.Memory;
using AgentDb.Server.Network.Handlers;
using AgentDb.Wire.Frames;

namespace AgentDb.Server.Engine.Memory;

/// <summary>Registers the handlers that serve the agent-memory operations (docs/PROTOCOL.md section 12) from an
/// embedded <see cref="AgentMemory"/>.</summary>
internal static class MemoryHandlers
{
    /// <summary>Serves every agent-memory opcode from <paramref name="memory"/>, which must outlive the server. Every one
    /// runs on the thread pool: they embed text, scan and walk graphs. Writes await their commit through the memory
    /// layer's asynchronous methods, so no pool thread is blocked on a group commit (issue #8: blocking starved the pool
    /// under a thousand concurrent memory writes, /health included).</summary>
    public static RequestHandlerRegistry Register(RequestHandlerRegistry registry, AgentMemory memory)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(memory);
        const HandlerExecution pool = HandlerExecution.ThreadPool;
        return registry
            .Register(Opcode.EpisodeStore, new EpisodeStoreHandler(memory), pool)
            .Register(Opcode.EpisodeRetrieve, new EpisodeRetrieveHandler(memory), pool)
            .Register(Opcode.EpisodeTaskStats, new EpisodeTaskStatsHandler(memory), pool)
            .Register(Opcode.EpisodeCritiques, new EpisodeCritiquesHandler(memory), pool)
            .Register(Opcode.EpisodeGet, new EpisodeGetHandler(memory), pool)
            .Register(Opcode.SkillCreate, new SkillWriteHandler(memory, upsert: false), pool)
            .Register(Opcode.SkillUpsert, new SkillWriteHandler(memory, upsert: true), pool)
            .Register(Opcode.SkillGet, new SkillGetHandler(memory), pool)
            .Register(Opcode.SkillSearch, new SkillSearchHandler(memory), pool)
            .Register(Opcode.SkillRecordUse, new SkillRecordUseHandler(memory), pool)
            .Register(Opcode.SkillConsolidate, new SkillConsolidateHandler(memory), pool)
            .Register(Opcode.CausalAddEdge, new CausalAddEdgeHandler(memory), pool)
            .Register(Opcode.CausalRemoveEdge, new CausalRemoveEdgeHandler(memory), pool)
            .Register(Opcode.CausalEffects, new CausalEdgeQueryHandler(memory, effects: true), pool)
            .Register(Opcode.CausalCauses, new CausalEdgeQueryHandler(memory, effects: false), pool)
            .Register(Opcode.CausalChain, new CausalChainHandler(memory), pool)
            .Register(Opcode.CausalRecall, new CausalRecallHandler(memory), pool)
            .Register(Opcode.CausalGetEdge, new CausalGetEdgeHandler(memory), pool)
            .Register(Opcode.GraphNodeAdd, new GraphNodeWriteHandler(memory, upsert: false), pool)
            .Register(Opcode.GraphNodeUpsert, new GraphNodeWriteHandler(memory, upsert: true), pool)
            .Register(Opcode.GraphNodeGet, new GraphNodeGetHandler(memory), pool)
            .Register(Opcode.GraphNodeDelete, new GraphNodeDeleteHandler(memory), pool)
            .Register(Opcode.GraphEdgeAdd, new GraphEdgeAddHandler(memory), pool)
            .Register(Opcode.GraphEdgeGet, new GraphEdgeGetHandler(memory), pool)
            .Register(Opcode.GraphEdgeDelete, new GraphEdgeDeleteHandler(memory), pool)
            .Register(Opcode.GraphNeighbors, new GraphNeighborsHandler(memory), pool)
            .Register(Opcode.GraphTraverse, new GraphTraverseHandler(memory), pool)
            .Register(Opcode.GraphShortestPath, new GraphShortestPathHandler(memory), pool)
            .Register(Opcode.GraphMatch, new GraphMatchHandler(memory), pool)
            .Register(Opcode.GraphNodeSearch, new GraphNodeSearchHandler(memory), pool)
            .Register(Opcode.MemoryBatch, new MemoryBatchHandler(memory), pool)
            .Register(Opcode.CertificateVerify, new CertificateVerifyHandler(memory), pool)
            .Register(Opcode.MemoryStats, new MemoryStatsHandler(memory), pool);
    }
}
