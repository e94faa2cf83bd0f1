using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Client;

/// <summary>
/// The agent-memory operations (docs/PROTOCOL.md section 12), mirroring the embedded <c>AgentMemory</c> API: reflexion
/// episodes, skills, causal memory, the graph, batches and certificates. Errors as for every operation: an error
/// response throws <see cref="AgentDbException"/> (BAD_REQUEST for invalid input, NOT_FOUND for an unknown id where the
/// operation needs one, FORBIDDEN for a read key that writes). The <c>Get…</c> methods return null for an unknown id,
/// like their embedded counterparts. Extension methods of <see cref="IAgentDbSender"/>: the same calls on one connection
/// (<see cref="AgentDbClient"/>) and on a pool (<see cref="AgentDbClientPool"/>, with its retries and NOT_PRIMARY
/// following).
/// </summary>
public static class AgentDbMemoryOperations
{
    // ----- reflexion episodes -----

    /// <summary>EPISODE_STORE: stores one episode (its task embedded by the server unless it carries a vector); durable
    /// when this returns.</summary>
    /// <returns>The episode's id (generated unless the episode has one).</returns>
    public static async Task<string> StoreEpisodeAsync(this IAgentDbSender sender, WireEpisode episode, CancellationToken cancellationToken = default) =>
        (await sender.StoreEpisodesAsync([episode], cancellationToken).ConfigureAwait(false))[0];

    /// <summary>EPISODE_STORE: stores 1–10,000 episodes, the missing vectors embedded in one batch; each session shard's
    /// part is one atomic write.</summary>
    /// <returns>The ids, in input order.</returns>
    public static async Task<IReadOnlyList<string>> StoreEpisodesAsync(this IAgentDbSender sender, IReadOnlyList<WireEpisode> episodes, CancellationToken cancellationToken = default)
    {
        var response = await sender.SendAsync<EpisodeStoreRequest, MemoryIdListResponse>(
            Opcode.EpisodeStore, new EpisodeStoreRequest(episodes), cancellationToken).ConfigureAwait(false);
        if (response.Ids.Count != episodes.Count)
        {
            throw new AgentDbConnectionException($"the server answered {response.Ids.Count} ids for {episodes.Count} episodes");
        }
        var ids = new string[response.Ids.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = response.Ids[i] ?? throw new AgentDbConnectionException("the server sent a nil episode id");
        }
        return ids;
    }

    /// <summary>EPISODE_GET: one episode by id, or null when no shard holds it.</summary>
    public static async Task<WireEpisode?> GetEpisodeAsync(this IAgentDbSender sender, string id, CancellationToken cancellationToken = default) =>
        (await OrNullWhenNotFound(sender.SendAsync<MemoryIdRequest, EpisodeResponse>(Opcode.EpisodeGet, new MemoryIdRequest(id), cancellationToken))
            .ConfigureAwait(false))?.Episode;

    /// <summary>EPISODE_RETRIEVE: the episodes most similar to the request's task text or vector, filtered, nearest first.</summary>
    public static Task<EpisodeRetrieveResponse> RetrieveRelevantAsync(this IAgentDbSender sender, EpisodeRetrieveRequest request, CancellationToken cancellationToken = default) =>
        sender.SendAsync<EpisodeRetrieveRequest, EpisodeRetrieveResponse>(Opcode.EpisodeRetrieve, request, cancellationToken);

    /// <summary>EPISODE_RETRIEVE by task text (embedded by the server).</summary>
    public static Task<EpisodeRetrieveResponse> RetrieveRelevantAsync(this IAgentDbSender sender,
        string task, int k = 5, bool withCertificate = false, CancellationToken cancellationToken = default) =>
        sender.RetrieveRelevantAsync(new EpisodeRetrieveRequest(task, ReadOnlyMemory<float>.Empty, k, withCertificate: withCertificate), cancellationToken);

    /// <summary>EPISODE_RETRIEVE by a vector of the memory's dimension.</summary>
    public static Task<EpisodeRetrieveResponse> RetrieveRelevantAsync(this IAgentDbSender sender,
        ReadOnlyMemory<float> vector, int k = 5, bool withCertificate = false, CancellationToken cancellationToken = default) =>
        sender.RetrieveRelevantAsync(new EpisodeRetrieveRequest(null, vector, k, withCertificate: withCertificate), cancellationToken);

    /// <summary>EPISODE_TASK_STATS: statistics over the episodes whose task equals <paramref name="task"/>.</summary>
    public static Task<EpisodeTaskStatsResponse> GetTaskStatsAsync(this IAgentDbSender sender, string task, CancellationToken cancellationToken = default) =>
        sender.SendAsync<EpisodeTaskRequest, EpisodeTaskStatsResponse>(Opcode.EpisodeTaskStats, new EpisodeTaskRequest(task), cancellationToken);

    /// <summary>EPISODE_CRITIQUES: the critiques of the task's <paramref name="n"/> best and worst episodes.</summary>
    public static Task<EpisodeCritiquesResponse> SummarizeCritiquesAsync(this IAgentDbSender sender, string task, int n = 3, CancellationToken cancellationToken = default) =>
        sender.SendAsync<EpisodeCritiquesRequest, EpisodeCritiquesResponse>(Opcode.EpisodeCritiques, new EpisodeCritiquesRequest(task, n), cancellationToken);

    // ----- skills -----

    /// <summary>SKILL_CREATE: creates a skill; BAD_REQUEST when the name is taken.</summary>
    public static async Task CreateSkillAsync(this IAgentDbSender sender, WireSkill skill, CancellationToken cancellationToken = default) =>
        await sender.SendAsync<SkillWriteRequest, EmptyMessage>(Opcode.SkillCreate, new SkillWriteRequest(skill), cancellationToken).ConfigureAwait(false);

    /// <summary>SKILL_UPSERT: creates a skill or replaces it whole.</summary>
    public static async Task UpsertSkillAsync(this IAgentDbSender sender, WireSkill skill, CancellationToken cancellationToken = default) =>
        await sender.SendAsync<SkillWriteRequest, EmptyMessage>(Opcode.SkillUpsert, new SkillWriteRequest(skill), cancellationToken).ConfigureAwait(false);

    /// <summary>SKILL_GET: one skill by name, or null when there is none.</summary>
    public static async Task<WireSkill?> GetSkillAsync(this IAgentDbSender sender, string name, CancellationToken cancellationToken = default) =>
        (await OrNullWhenNotFound(sender.SendAsync<MemoryIdRequest, SkillResponse>(Opcode.SkillGet, new MemoryIdRequest(name), cancellationToken))
            .ConfigureAwait(false))?.Skill;

    /// <summary>SKILL_SEARCH: the skills most similar to the request's task text or vector.</summary>
    public static Task<SkillSearchResponse> SearchSkillsAsync(this IAgentDbSender sender, SkillSearchRequest request, CancellationToken cancellationToken = default) =>
        sender.SendAsync<SkillSearchRequest, SkillSearchResponse>(Opcode.SkillSearch, request, cancellationToken);

    /// <summary>SKILL_SEARCH by task text.</summary>
    public static Task<SkillSearchResponse> SearchSkillsAsync(this IAgentDbSender sender,
        string task, int k = 5, double minSuccessRate = 0, bool withCertificate = false, CancellationToken cancellationToken = default) =>
        sender.SearchSkillsAsync(new SkillSearchRequest(task, ReadOnlyMemory<float>.Empty, k, minSuccessRate, withCertificate), cancellationToken);

    /// <summary>SKILL_RECORD_USE: folds one use into the skill's statistics; NOT_FOUND for an unknown skill.</summary>
    /// <returns>The updated skill.</returns>
    public static async Task<WireSkill> RecordSkillUseAsync(this IAgentDbSender sender,
        string name, bool success, double reward, long latencyMs, CancellationToken cancellationToken = default) =>
        (await sender.SendAsync<SkillRecordUseRequest, SkillResponse>(
            Opcode.SkillRecordUse, new SkillRecordUseRequest(name, success, reward, latencyMs), cancellationToken).ConfigureAwait(false)).Skill;

    /// <summary>SKILL_CONSOLIDATE: turns tasks with enough good successful episodes into skills (idempotent).</summary>
    public static Task<SkillConsolidateResponse> ConsolidateEpisodesAsync(this IAgentDbSender sender, SkillConsolidateRequest? request = null, CancellationToken cancellationToken = default) =>
        sender.SendAsync<SkillConsolidateRequest, SkillConsolidateResponse>(Opcode.SkillConsolidate, request ?? new SkillConsolidateRequest(), cancellationToken);

    // ----- causal memory -----

    /// <summary>CAUSAL_ADD_EDGE: adds or updates the edge (from, to, mechanism).</summary>
    /// <returns>The edge id.</returns>
    public static async Task<string> AddCausalEdgeAsync(this IAgentDbSender sender,
        string from, string to, string? mechanism, double uplift, double confidence, long sampleSize = 0,
        IReadOnlyList<string>? evidenceIds = null, CancellationToken cancellationToken = default) =>
        (await sender.SendAsync<CausalAddEdgeRequest, MemoryIdResponse>(
            Opcode.CausalAddEdge, new CausalAddEdgeRequest(from, to, mechanism, uplift, confidence, sampleSize, evidenceIds), cancellationToken)
            .ConfigureAwait(false)).Id;

    /// <summary>CAUSAL_REMOVE_EDGE: false when there was no such edge.</summary>
    public static async Task<bool> RemoveCausalEdgeAsync(this IAgentDbSender sender, string from, string to, string? mechanism, CancellationToken cancellationToken = default) =>
        (await sender.SendAsync<CausalEdgeKeyRequest, DeleteResponse>(
            Opcode.CausalRemoveEdge, new CausalEdgeKeyRequest(from, to, mechanism), cancellationToken).ConfigureAwait(false)).Deleted;

    /// <summary>CAUSAL_GET_EDGE: one edge, or null when there is none.</summary>
    public static async Task<WireCausalEdge?> GetCausalEdgeAsync(this IAgentDbSender sender, string from, string to, string? mechanism, CancellationToken cancellationToken = default) =>
        (await OrNullWhenNotFound(sender.SendAsync<CausalEdgeKeyRequest, CausalEdgeResponse>(
            Opcode.CausalGetEdge, new CausalEdgeKeyRequest(from, to, mechanism), cancellationToken)).ConfigureAwait(false))?.Edge;

    /// <summary>CAUSAL_EFFECTS: the edges leaving the request's memory, strongest first.</summary>
    public static Task<CausalEdgeQueryResponse> QueryEffectsAsync(this IAgentDbSender sender, CausalEdgeQueryRequest request, CancellationToken cancellationToken = default) =>
        sender.SendAsync<CausalEdgeQueryRequest, CausalEdgeQueryResponse>(Opcode.CausalEffects, request, cancellationToken);

    /// <summary>CAUSAL_CAUSES: the edges arriving at the request's memory, strongest first.</summary>
    public static Task<CausalEdgeQueryResponse> GetCausesOfAsync(this IAgentDbSender sender, CausalEdgeQueryRequest request, CancellationToken cancellationToken = default) =>
        sender.SendAsync<CausalEdgeQueryRequest, CausalEdgeQueryResponse>(Opcode.CausalCauses, request, cancellationToken);

    /// <summary>CAUSAL_CHAIN: the strongest causal chain between two memories.</summary>
    public static Task<CausalChainResponse> GetCausalChainAsync(this IAgentDbSender sender, CausalChainRequest request, CancellationToken cancellationToken = default) =>
        sender.SendAsync<CausalChainRequest, CausalChainResponse>(Opcode.CausalChain, request, cancellationToken);

    /// <summary>CAUSAL_RECALL: episodes ranked by similarity and causal uplift.</summary>
    public static Task<CausalRecallResponse> CausalRecallAsync(this IAgentDbSender sender, CausalRecallRequest request, CancellationToken cancellationToken = default) =>
        sender.SendAsync<CausalRecallRequest, CausalRecallResponse>(Opcode.CausalRecall, request, cancellationToken);

    // ----- graph -----

    /// <summary>GRAPH_NODE_ADD: adds a node; BAD_REQUEST when its id exists.</summary>
    /// <returns>The node's id (generated unless given).</returns>
    public static async Task<string> AddNodeAsync(this IAgentDbSender sender, WireGraphNodeInput node, CancellationToken cancellationToken = default) =>
        (await sender.SendAsync<GraphNodeWriteRequest, MemoryIdResponse>(Opcode.GraphNodeAdd, new GraphNodeWriteRequest(node), cancellationToken)
            .ConfigureAwait(false)).Id;

    /// <summary>GRAPH_NODE_UPSERT: creates the node (it needs an id) or replaces its labels, properties and embedding.</summary>
    public static async Task UpsertNodeAsync(this IAgentDbSender sender, WireGraphNodeInput node, CancellationToken cancellationToken = default) =>
        await sender.SendAsync<GraphNodeWriteRequest, MemoryIdResponse>(Opcode.GraphNodeUpsert, new GraphNodeWriteRequest(node), cancellationToken)
            .ConfigureAwait(false);

    /// <summary>GRAPH_NODE_GET: one node, or null when there is none.</summary>
    public static async Task<WireGraphNode?> GetNodeAsync(this IAgentDbSender sender, string id, CancellationToken cancellationToken = default) =>
        (await OrNullWhenNotFound(sender.SendAsync<MemoryIdRequest, GraphNodeResponse>(Opcode.GraphNodeGet, new MemoryIdRequest(id), cancellationToken))
            .ConfigureAwait(false))?.Node;

    /// <summary>GRAPH_NODE_DELETE: deletes the node and its edges; false when there was none.</summary>
    public static async Task<bool> DeleteNodeAsync(this IAgentDbSender sender, string id, CancellationToken cancellationToken = default) =>
        (await sender.SendAsync<MemoryIdRequest, DeleteResponse>(Opcode.GraphNodeDelete, new MemoryIdRequest(id), cancellationToken).ConfigureAwait(false)).Deleted;

    /// <summary>GRAPH_EDGE_ADD: adds an edge between existing nodes (NOT_FOUND otherwise).</summary>
    /// <returns>The edge's id.</returns>
    public static async Task<string> AddEdgeAsync(this IAgentDbSender sender, WireGraphEdgeInput edge, CancellationToken cancellationToken = default) =>
        (await sender.SendAsync<GraphEdgeAddRequest, MemoryIdResponse>(Opcode.GraphEdgeAdd, new GraphEdgeAddRequest(edge), cancellationToken)
            .ConfigureAwait(false)).Id;

    /// <summary>GRAPH_EDGE_GET: one edge, or null when there is none.</summary>
    public static async Task<WireGraphEdge?> GetEdgeAsync(this IAgentDbSender sender, string id, CancellationToken cancellationToken = default) =>
        (await OrNullWhenNotFound(sender.SendAsync<MemoryIdRequest, GraphEdgeResponse>(Opcode.GraphEdgeGet, new MemoryIdRequest(id), cancellationToken))
            .ConfigureAwait(false))?.Edge;

    /// <summary>GRAPH_EDGE_DELETE: false when there was no such edge.</summary>
    public static async Task<bool> DeleteEdgeAsync(this IAgentDbSender sender, string id, CancellationToken cancellationToken = default) =>
        (await sender.SendAsync<MemoryIdRequest, DeleteResponse>(Opcode.GraphEdgeDelete, new MemoryIdRequest(id), cancellationToken).ConfigureAwait(false)).Deleted;

    /// <summary>GRAPH_NEIGHBORS: a node's neighbours; NOT_FOUND for an unknown node.</summary>
    public static async Task<IReadOnlyList<WireGraphNeighbor>> NeighborsAsync(this IAgentDbSender sender,
        string nodeId, WireGraphDirection direction = WireGraphDirection.Out, IReadOnlyList<string>? edgeTypes = null, int limit = 100,
        CancellationToken cancellationToken = default) =>
        (await sender.SendAsync<GraphNeighborsRequest, GraphNeighborsResponse>(
            Opcode.GraphNeighbors, new GraphNeighborsRequest(nodeId, direction, edgeTypes, limit), cancellationToken).ConfigureAwait(false)).Neighbors;

    /// <summary>GRAPH_TRAVERSE: a bounded breadth-first walk; NOT_FOUND for an unknown start node.</summary>
    public static Task<GraphTraverseResponse> TraverseAsync(this IAgentDbSender sender, GraphTraverseRequest request, CancellationToken cancellationToken = default) =>
        sender.SendAsync<GraphTraverseRequest, GraphTraverseResponse>(Opcode.GraphTraverse, request, cancellationToken);

    /// <summary>GRAPH_SHORTEST_PATH: a path with the fewest edges; NOT_FOUND for an unknown end node.</summary>
    public static Task<GraphShortestPathResponse> ShortestPathAsync(this IAgentDbSender sender, GraphShortestPathRequest request, CancellationToken cancellationToken = default) =>
        sender.SendAsync<GraphShortestPathRequest, GraphShortestPathResponse>(Opcode.GraphShortestPath, request, cancellationToken);

    /// <summary>GRAPH_MATCH: the matches of a one-edge pattern.</summary>
    public static Task<GraphMatchResponse> MatchAsync(this IAgentDbSender sender, GraphMatchRequest request, CancellationToken cancellationToken = default) =>
        sender.SendAsync<GraphMatchRequest, GraphMatchResponse>(Opcode.GraphMatch, request, cancellationToken);

    /// <summary>GRAPH_NODE_SEARCH: the nodes whose embeddings are nearest the request's text or vector.</summary>
    public static Task<GraphNodeSearchResponse> SearchNodesAsync(this IAgentDbSender sender, GraphNodeSearchRequest request, CancellationToken cancellationToken = default) =>
        sender.SendAsync<GraphNodeSearchRequest, GraphNodeSearchResponse>(Opcode.GraphNodeSearch, request, cancellationToken);

    // ----- across families -----

    /// <summary>MEMORY_BATCH: executes the operations as ONE atomic write, all or none; BAD_REQUEST when they span
    /// stores.</summary>
    /// <returns>Each operation's id (nil for operations without one), in order.</returns>
    public static async Task<IReadOnlyList<string?>> ExecuteMemoryBatchAsync(this IAgentDbSender sender,
        IReadOnlyList<MemoryBatchOperation> operations, CancellationToken cancellationToken = default) =>
        (await sender.SendAsync<MemoryBatchRequest, MemoryIdListResponse>(Opcode.MemoryBatch, new MemoryBatchRequest(operations), cancellationToken)
            .ConfigureAwait(false)).Ids;

    /// <summary>CERTIFICATE_VERIFY: checks a certificate against the stored records.</summary>
    public static Task<CertificateVerifyResponse> VerifyCertificateAsync(this IAgentDbSender sender, Certificate certificate, CancellationToken cancellationToken = default) =>
        sender.SendAsync<CertificateVerifyRequest, CertificateVerifyResponse>(Opcode.CertificateVerify, new CertificateVerifyRequest(certificate), cancellationToken);

    /// <summary>MEMORY_STATS: the memory's embedder, dimension and counters.</summary>
    public static Task<MemoryStatsResponse> GetMemoryStatsAsync(this IAgentDbSender sender, CancellationToken cancellationToken = default) =>
        sender.SendAsync<EmptyMessage, MemoryStatsResponse>(Opcode.MemoryStats, EmptyMessage.Instance, cancellationToken);

    private static async Task<T?> OrNullWhenNotFound<T>(Task<T> pending) where T : class
    {
        try
        {
            return await pending.ConfigureAwait(false);
        }
        catch (AgentDbException e) when (e.Code == ErrorCode.NotFound)
        {
            return null;
        }
    }
}
