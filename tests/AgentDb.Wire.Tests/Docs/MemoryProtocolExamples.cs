using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Wire.Tests.Docs;

/// <summary>The example frames of docs/PROTOCOL.md section 12 (agent-memory operations), built with the real codec.
/// Field names use the annotator's nested syntax (<c>name{a,b}</c>, <c>name[]{a,b}</c>).</summary>
internal static class MemoryProtocolExamples
{
    private const long Timestamp = 1_767_225_600_000; // 2026-01-01T00:00:00Z
    private const string EpisodeFields =
        "{id,sessionId,task,input,output,critique,reward,success,latencyMs,tokensUsed,tags[],metadata,timestampUnixMs,vector}";
    private const string SkillFields =
        "{name,description,signature,code,successRate,uses,averageReward,averageLatencyMs,sourceTask,createdUnixMs,updatedUnixMs,vector}";
    private const string CausalEdgeFields = "{id,from,to,mechanism,uplift,confidence,sampleSize,evidenceIds[],createdUnixMs,updatedUnixMs}";
    private const string NodeFields = "{id,labels[],properties,hasEmbedding,createdUnixMs,updatedUnixMs}";
    private const string NodeInputFields = "{id,labels[],properties,embeddingText,embedding}";
    private const string EdgeFields = "{id,type,from,to,properties,createdUnixMs}";
    private const string EdgeInputFields = "{from,type,to,id,properties}";
    private const string FilterFields = "{labels[],properties}";
    private const string PathFields = "{nodeIds[],edgeIds[]}";
    private const string CertificateFields = "certificate{items[]{kind,shard,collection,id,contentHash},merkleRoot,createdUnixMs}";

    private static readonly float[] s_vector = [0.5f, -1f, 0.25f];
    private static readonly Dictionary<string, string> s_noMetadata = [];
    private static readonly Dictionary<string, PropertyValue> s_noProperties = [];
    private static readonly Dictionary<string, PropertyValue> s_alice = new() { ["name"] = "Alice", ["age"] = 34L };
    private static readonly Dictionary<string, PropertyValue> s_since = new() { ["since"] = 2019L };
    private static readonly byte[] s_payload = [0x81, 0xA4, (byte)'t', (byte)'a', (byte)'s', (byte)'k', 0xA4, (byte)'s', (byte)'o', (byte)'r', (byte)'t']; // {"task": "sort"}

    private static readonly WireEpisode s_episodeIn = new(
        null, "s1", "sort a list", null, null, "use a heap", 0.9, true, 120, 350, ["py"], s_noMetadata, null, ReadOnlyMemory<float>.Empty);

    private static readonly WireEpisode s_episodeOut = new(
        "ep-1", "s1", "sort a list", null, null, "use a heap", 0.9, true, 120, 350, ["py"], s_noMetadata, Timestamp, s_vector);

    private static readonly WireSkill s_skillIn = new("heap-sort", "sort with a heap", "sort(xs)", null, 0.9, 10, 0.8, 12.5, ReadOnlyMemory<float>.Empty);

    private static readonly WireSkill s_skillOut = new(
        "heap-sort", "sort with a heap", "sort(xs)", null, 0.9, 11, 0.8, 12.5, s_vector, null, Timestamp, Timestamp);

    private static readonly WireCausalEdge s_causalEdge = new("c7f3", "ep-1", "ep-2", "retry", 0.3, 0.8, 12, ["ep-9"], Timestamp, Timestamp);

    private static readonly WireGraphNode s_aliceNode = new("alice", ["Person"], s_alice, false, Timestamp, Timestamp);
    private static readonly WireGraphNode s_bobNode = new("bob", ["Person"], s_noProperties, false, Timestamp, Timestamp);
    private static readonly WireGraphEdge s_knows = new("k1", "KNOWS", "alice", "bob", s_since, Timestamp);

    private static readonly Certificate s_certificate = new(
        [new CertificateItem(0, 0, "mem.episodes", "ep-1", Hash(1))], Hash(2), Timestamp);

    public static IReadOnlyList<ProtocolExamples.Example> All { get; } =
    [
        // Episodes
        Request("episode-store-request", Opcode.EpisodeStore, 100, new EpisodeStoreRequest([s_episodeIn]), "episodes[]" + EpisodeFields),
        Response("episode-store-response", Opcode.EpisodeStore, 100, new MemoryIdListResponse(["ep-1"]), "ids[]"),
        Request("episode-retrieve-request", Opcode.EpisodeRetrieve, 101,
            new EpisodeRetrieveRequest("order an array", ReadOnlyMemory<float>.Empty, 5, 0.5, WireEpisodeOutcome.SuccessesOnly, null, null, null, true),
            "task", "vector", "k", "minReward", "outcome (1 = successes only)", "sessionId", "fromUnixMs", "toUnixMs", "withCertificate"),
        Response("episode-retrieve-response", Opcode.EpisodeRetrieve, 101,
            new EpisodeRetrieveResponse([new WireEpisodeMatch(s_episodeOut, 0.25f, 0)], s_certificate),
            "matches[]{episode" + EpisodeFields + ",distance,shard}", CertificateFields),
        Request("episode-task-stats-request", Opcode.EpisodeTaskStats, 102, new EpisodeTaskRequest("sort a list"), "task"),
        Response("episode-task-stats-response", Opcode.EpisodeTaskStats, 102,
            new EpisodeTaskStatsResponse("sort a list", 4, 3, 0.75, 0.7, 110, 0.125, Timestamp, Timestamp + 3_000),
            "task", "attempts", "successes", "successRate", "averageReward", "averageLatencyMs", "rewardTrend", "firstUnixMs", "lastUnixMs"),
        Request("episode-critiques-request", Opcode.EpisodeCritiques, 103, new EpisodeCritiquesRequest("sort a list", 1), "task", "n"),
        Response("episode-critiques-response", Opcode.EpisodeCritiques, 103,
            new EpisodeCritiquesResponse("sort a list", 2, 1, 1, 2,
                [new WireCritiqueEntry("ep-1", 0.9, true, Timestamp, "use a heap")],
                [new WireCritiqueEntry("ep-2", 0.1, false, Timestamp, "too slow")]),
            "task", "attempts", "successes", "failures", "withCritique",
            "best[]{episodeId,reward,success,timestampUnixMs,critique}", "worst[]{episodeId,reward,success,timestampUnixMs,critique}"),
        Request("episode-get-request", Opcode.EpisodeGet, 104, new MemoryIdRequest("ep-1"), "id"),
        Response("episode-get-response", Opcode.EpisodeGet, 104, new EpisodeResponse(s_episodeOut), "episode" + EpisodeFields),

        // Skills
        Request("skill-create-request", Opcode.SkillCreate, 110, new SkillWriteRequest(s_skillIn), "skill" + SkillFields),
        Response("skill-create-response", Opcode.SkillCreate, 110, EmptyMessage.Instance),
        Request("skill-upsert-request", Opcode.SkillUpsert, 111, new SkillWriteRequest(s_skillIn), "skill" + SkillFields),
        Response("skill-upsert-response", Opcode.SkillUpsert, 111, EmptyMessage.Instance),
        Request("skill-get-request", Opcode.SkillGet, 112, new MemoryIdRequest("heap-sort"), "name"),
        Response("skill-get-response", Opcode.SkillGet, 112, new SkillResponse(s_skillOut), "skill" + SkillFields),
        Request("skill-search-request", Opcode.SkillSearch, 113, new SkillSearchRequest("sort numbers", ReadOnlyMemory<float>.Empty, 3, 0.5),
            "task", "vector", "k", "minSuccessRate", "withCertificate"),
        Response("skill-search-response", Opcode.SkillSearch, 113, new SkillSearchResponse([new WireSkillMatch(s_skillOut, 0.125f)], null),
            "matches[]{skill" + SkillFields + ",distance}", CertificateFields),
        Request("skill-record-use-request", Opcode.SkillRecordUse, 114, new SkillRecordUseRequest("heap-sort", true, 0.8, 12),
            "name", "success", "reward", "latencyMs"),
        Response("skill-record-use-response", Opcode.SkillRecordUse, 114, new SkillResponse(s_skillOut), "skill" + SkillFields),
        Request("skill-consolidate-request", Opcode.SkillConsolidate, 115, new SkillConsolidateRequest(3, 0.7),
            "minAttempts", "minReward", "fromUnixMs", "toUnixMs"),
        Response("skill-consolidate-response", Opcode.SkillConsolidate, 115,
            new SkillConsolidateResponse(12, 3, ["sort-a-list"], [], [], []),
            "episodesRead", "tasksConsidered", "created[]", "refreshed[]", "unchanged[]", "conflicts[]"),

        // Causal edges
        Request("causal-add-edge-request", Opcode.CausalAddEdge, 120, new CausalAddEdgeRequest("ep-1", "ep-2", "retry", 0.3, 0.8, 12, ["ep-9"]),
            "from", "to", "mechanism", "uplift", "confidence", "sampleSize", "evidenceIds[]"),
        Response("causal-add-edge-response", Opcode.CausalAddEdge, 120, new MemoryIdResponse("c7f3"), "id"),
        Request("causal-remove-edge-request", Opcode.CausalRemoveEdge, 121, new CausalEdgeKeyRequest("ep-1", "ep-2", "retry"), "from", "to", "mechanism"),
        Response("causal-remove-edge-response", Opcode.CausalRemoveEdge, 121, new DeleteResponse(true), "removed"),
        Request("causal-effects-request", Opcode.CausalEffects, 122, new CausalEdgeQueryRequest("ep-1", 0.5, 0, 10),
            "memoryId", "minConfidence", "minUplift", "limit", "withCertificate"),
        Response("causal-effects-response", Opcode.CausalEffects, 122, new CausalEdgeQueryResponse([s_causalEdge], null),
            "edges[]" + CausalEdgeFields, CertificateFields),
        Request("causal-causes-request", Opcode.CausalCauses, 123, new CausalEdgeQueryRequest("ep-2"),
            "memoryId", "minConfidence", "minUplift (−∞ = all)", "limit", "withCertificate"),
        Response("causal-causes-response", Opcode.CausalCauses, 123, new CausalEdgeQueryResponse([s_causalEdge], null),
            "edges[]" + CausalEdgeFields, CertificateFields),
        Request("causal-chain-request", Opcode.CausalChain, 124, new CausalChainRequest("ep-1", "ep-2", maxDepth: 3),
            "from", "to", "maxDepth", "minConfidence", "minUplift", "maxExpandedNodes", "withCertificate"),
        Response("causal-chain-response", Opcode.CausalChain, 124, new CausalChainResponse(true, [s_causalEdge], 0.8, false, 2, null),
            "found", "edges[]" + CausalEdgeFields, "strength", "truncated", "expandedNodes", CertificateFields),
        Request("causal-recall-request", Opcode.CausalRecall, 125, new CausalRecallRequest("sort a list", ReadOnlyMemory<float>.Empty, k: 1),
            "text", "vector", "k", "similarityWeight", "upliftWeight", "minConfidence", "target", "candidateFactor", "withCertificate"),
        Response("causal-recall-response", Opcode.CausalRecall, 125,
            new CausalRecallResponse([new WireCausalRecallItem("ep-1", 0, s_payload, 0.75, 0.3, 0.9, null)], 4, null),
            "items[]{memoryId,shard,payload,similarity,uplift,score,supportingEdge}", "candidates", CertificateFields),
        Request("causal-get-edge-request", Opcode.CausalGetEdge, 126, new CausalEdgeKeyRequest("ep-1", "ep-2", "retry"), "from", "to", "mechanism"),
        Response("causal-get-edge-response", Opcode.CausalGetEdge, 126, new CausalEdgeResponse(s_causalEdge), "edge" + CausalEdgeFields),

        // Graph
        Request("graph-node-add-request", Opcode.GraphNodeAdd, 130, new GraphNodeWriteRequest(new WireGraphNodeInput("alice", ["Person"], s_alice)),
            "node" + NodeInputFields),
        Response("graph-node-add-response", Opcode.GraphNodeAdd, 130, new MemoryIdResponse("alice"), "id"),
        Request("graph-node-upsert-request", Opcode.GraphNodeUpsert, 131, new GraphNodeWriteRequest(new WireGraphNodeInput("bob", ["Person"], s_noProperties)),
            "node" + NodeInputFields),
        Response("graph-node-upsert-response", Opcode.GraphNodeUpsert, 131, new MemoryIdResponse("bob"), "id"),
        Request("graph-node-get-request", Opcode.GraphNodeGet, 132, new MemoryIdRequest("alice"), "id"),
        Response("graph-node-get-response", Opcode.GraphNodeGet, 132, new GraphNodeResponse(s_aliceNode), "node" + NodeFields),
        Request("graph-node-delete-request", Opcode.GraphNodeDelete, 133, new MemoryIdRequest("bob"), "id"),
        Response("graph-node-delete-response", Opcode.GraphNodeDelete, 133, new DeleteResponse(true), "deleted"),
        Request("graph-edge-add-request", Opcode.GraphEdgeAdd, 134, new GraphEdgeAddRequest(new WireGraphEdgeInput("alice", "KNOWS", "bob", "k1", s_since)),
            "edge" + EdgeInputFields),
        Response("graph-edge-add-response", Opcode.GraphEdgeAdd, 134, new MemoryIdResponse("k1"), "id"),
        Request("graph-edge-get-request", Opcode.GraphEdgeGet, 135, new MemoryIdRequest("k1"), "id"),
        Response("graph-edge-get-response", Opcode.GraphEdgeGet, 135, new GraphEdgeResponse(s_knows), "edge" + EdgeFields),
        Request("graph-edge-delete-request", Opcode.GraphEdgeDelete, 136, new MemoryIdRequest("k1"), "id"),
        Response("graph-edge-delete-response", Opcode.GraphEdgeDelete, 136, new DeleteResponse(true), "deleted"),
        Request("graph-neighbors-request", Opcode.GraphNeighbors, 137, new GraphNeighborsRequest("alice", WireGraphDirection.Out, ["KNOWS"], 10),
            "nodeId", "direction (0 = out)", "edgeTypes[]", "limit"),
        Response("graph-neighbors-response", Opcode.GraphNeighbors, 137,
            new GraphNeighborsResponse([new WireGraphNeighbor(s_knows, s_bobNode, WireGraphDirection.Out)]),
            "neighbors[]{edge" + EdgeFields + ",node" + NodeFields + ",direction}"),
        Request("graph-traverse-request", Opcode.GraphTraverse, 138,
            new GraphTraverseRequest("alice", maxDepth: 2, nodeFilter: new WireNodeFilter(["Person"], s_noProperties), includePaths: true),
            "startId", "maxDepth", "direction", "edgeTypes[]", "nodeFilter" + FilterFields, "expandOnlyMatching", "limit", "maxVisited",
            "maxEdgesScanned", "includePaths", "withCertificate"),
        Response("graph-traverse-response", Opcode.GraphTraverse, 138,
            new GraphTraverseResponse([new WireTraversedNode(s_bobNode, 1, new WireGraphPath(["alice", "bob"], ["k1"]))], false, 2, null),
            "nodes[]{node" + NodeFields + ",depth,path" + PathFields + "}", "truncated", "visited", CertificateFields),
        Request("graph-shortest-path-request", Opcode.GraphShortestPath, 139, new GraphShortestPathRequest("alice", "bob"),
            "fromId", "toId", "maxDepth", "direction", "edgeTypes[]", "maxVisited", "maxEdgesScanned"),
        Response("graph-shortest-path-response", Opcode.GraphShortestPath, 139,
            new GraphShortestPathResponse(new WireGraphPath(["alice", "bob"], ["k1"]), false, 2),
            "path" + PathFields, "truncated", "visited"),
        Request("graph-match-request", Opcode.GraphMatch, 140,
            new GraphMatchRequest(new WireNodeFilter(["Person"], s_noProperties), "KNOWS", limit: 10),
            "from" + FilterFields, "edgeType", "direction", "edgeProperties", "to" + FilterFields, "limit", "maxVisited", "maxEdgesScanned",
            "withCertificate"),
        Response("graph-match-response", Opcode.GraphMatch, 140,
            new GraphMatchResponse([new WirePatternMatch(s_aliceNode, s_knows, s_bobNode)], false, 2, null),
            "matches[]{a" + NodeFields + ",edge" + EdgeFields + ",b" + NodeFields + "}", "truncated", "visited", CertificateFields),
        Request("graph-node-search-request", Opcode.GraphNodeSearch, 141, new GraphNodeSearchRequest(null, s_vector, 1),
            "text", "vector", "k", "filter" + FilterFields, "withCertificate"),
        Response("graph-node-search-response", Opcode.GraphNodeSearch, 141,
            new GraphNodeSearchResponse([new WireNodeSearchHit(s_aliceNode, 0.5f)], null),
            "hits[]{node" + NodeFields + ",distance}", CertificateFields),

        // Across families
        Request("memory-batch-request", Opcode.MemoryBatch, 150, new MemoryBatchRequest(
            [
                MemoryBatchOperation.StoreEpisode(s_episodeIn),
                MemoryBatchOperation.AddCausalEdge(new CausalAddEdgeRequest("ep-1", "ep-2", null, 0.3, 0.8)),
                MemoryBatchOperation.DeleteNode("bob"),
            ]),
            "operations[]{kind,body}"),
        Response("memory-batch-response", Opcode.MemoryBatch, 150, new MemoryIdListResponse(["ep-1", "c7f3", null]), "ids[]"),
        Request("certificate-verify-request", Opcode.CertificateVerify, 151, new CertificateVerifyRequest(s_certificate), CertificateFields),
        Response("certificate-verify-response", Opcode.CertificateVerify, 151,
            new CertificateVerifyResponse(false, ["Reflexion/mem.episodes/ep-1: the record's content has changed"]), "valid", "problems[]"),
        Request("memory-stats-request", Opcode.MemoryStats, 152, EmptyMessage.Instance),
        Response("memory-stats-response", Opcode.MemoryStats, 152,
            new MemoryStatsResponse("hashing-64", 64, [new KeyValuePair<string, long>("records", 3), new KeyValuePair<string, long>("graph.nodes", 2)]),
            "embedder", "dimension", "stats"),
    ];

    private static byte[] Hash(byte seed)
    {
        var hash = new byte[MemoryWireLimits.HashBytes];
        for (var i = 0; i < hash.Length; i++)
        {
            hash[i] = (byte)(seed * 16 + i);
        }
        return hash;
    }

    private static ProtocolExamples.Example Request<T>(string name, Opcode opcode, ulong id, T message, params string[] fields)
        where T : IWireMessage<T> => new(name, TestFrames.Message(opcode, FrameFlags.None, id, message), fields);

    private static ProtocolExamples.Example Response<T>(string name, Opcode opcode, ulong id, T message, params string[] fields)
        where T : IWireMessage<T> => new(name, TestFrames.Message(opcode, FrameFlags.Response, id, message), fields);
}
