using AgentDb.Wire.Messages;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Wire.Tests.Memory;

/// <summary>Agent-memory bodies a buggy or hostile client could send: each is refused with a reason, never an
/// exception, and never an allocation sized by a length the body claims but does not have.</summary>
public sealed class MemoryMalformedBodyTests
{
    private static readonly byte[] s_vector3 = [0xC4, 0x0C, 0, 0, 0x80, 0x3F, 0, 0, 0, 0, 0, 0, 0, 0]; // bin(12) [1, 0, 0]

    public static TheoryData<string, byte[], string> RetrieveCases => new()
    {
        // [task, vector, k, minReward, outcome, sessionId, from, to, withCertificate]
        { "neither text nor vector", [0x99, 0xC0, 0xC0, 0x05, 0xC0, 0x00, 0xC0, 0xC0, 0xC0, 0xC2], "exactly one of task and vector" },
        { "both text and vector", [0x99, 0xA1, 0x74, .. s_vector3, 0x05, 0xC0, 0x00, 0xC0, 0xC0, 0xC0, 0xC2], "exactly one of task and vector" },
        { "empty task", [0x99, 0xA0, 0xC0, 0x05, 0xC0, 0x00, 0xC0, 0xC0, 0xC0, 0xC2], "task must not be empty" },
        { "k 0", [0x99, 0xA1, 0x74, 0xC0, 0x00, 0xC0, 0x00, 0xC0, 0xC0, 0xC0, 0xC2], "k is 0" },
        { "k 10001", [0x99, 0xA1, 0x74, 0xC0, 0xCD, 0x27, 0x11, 0xC0, 0x00, 0xC0, 0xC0, 0xC0, 0xC2], "at most 10000" },
        { "NaN minReward", [0x99, 0xA1, 0x74, 0xC0, 0x05, 0xCB, 0x7F, 0xF8, 0, 0, 0, 0, 0, 0, 0x00, 0xC0, 0xC0, 0xC0, 0xC2], "minReward must be finite" },
        { "outcome 3", [0x99, 0xA1, 0x74, 0xC0, 0x05, 0xC0, 0x03, 0xC0, 0xC0, 0xC0, 0xC2], "outcome is 3" },
        { "from as a string", [0x99, 0xA1, 0x74, 0xC0, 0x05, 0xC0, 0x00, 0xC0, 0xA1, 0x31, 0xC0, 0xC2], "fromUnixMs must be an integer" },
        { "too few fields", [0x98, 0xA1, 0x74, 0xC0, 0x05, 0xC0, 0x00, 0xC0, 0xC0, 0xC0], "at least 9" },
    };

    [Theory]
    [MemberData(nameof(RetrieveCases))]
    public void Decode_MalformedRetrieval_ReturnsFalseWithAReason(string name, byte[] body, string reason) =>
        Refused<EpisodeRetrieveRequest>(name, body, reason);

    public static TheoryData<string, byte[], string> EpisodeCases => new()
    {
        // EPISODE_STORE [[ [id, session, task, input, output, critique, reward, success, latency, tokens, tags, metadata, ts, vector] ]]
        { "no episodes", [0x91, 0x90], "episodes must not be empty" },
        { "episodes claim 2^31", [0x91, 0xDD, 0x7F, 0xFF, 0xFF, 0xFF], "the body ends inside a value" },
        { "empty task", Episode(task: [0xA0]), "episode.task must not be empty" },
        { "infinite reward", Episode(reward: [0xCB, 0x7F, 0xF0, 0, 0, 0, 0, 0, 0]), "episode.reward must be finite" },
        { "negative latency", Episode(latency: [0xFF]), "episode.latencyMs is -1" },
        { "negative timestamp", Episode(timestamp: [0xFF]), "episode.timestampUnixMs is -1" },
        { "tag not a string", Episode(tags: [0x91, 0x01]), "episode.tags must be a string" },
        { "metadata key twice", Episode(metadata: [0x82, 0xA1, 0x6B, 0xA1, 0x76, 0xA1, 0x6B, 0xA1, 0x77]), "the key 'k' twice" },
        { "metadata value nil", Episode(metadata: [0x81, 0xA1, 0x6B, 0xC0]), "must be a string" },
        { "vector of 3 bytes", Episode(vector: [0xC4, 0x03, 1, 2, 3]), "multiple of 4" },
    };

    [Theory]
    [MemberData(nameof(EpisodeCases))]
    public void Decode_MalformedEpisodeStore_ReturnsFalseWithAReason(string name, byte[] body, string reason) =>
        Refused<EpisodeStoreRequest>(name, body, reason);

    public static TheoryData<string, byte[], string> GraphCases => new()
    {
        // GRAPH_NODE_ADD [[id, labels, properties, embeddingText, embedding]]
        { "property value nil", [0x91, 0x95, 0xC0, 0x90, 0x81, 0xA1, 0x70, 0xC0, 0xC0, 0xC0], "must be a str, int, float or bool" },
        { "property value a map", [0x91, 0x95, 0xC0, 0x90, 0x81, 0xA1, 0x70, 0x80, 0xC0, 0xC0], "must be a str, int, float or bool" },
        { "property key twice", [0x91, 0x95, 0xC0, 0x90, 0x82, 0xA1, 0x70, 0x01, 0xA1, 0x70, 0x02, 0xC0, 0xC0], "the key 'p' twice" },
        { "property key empty", [0x91, 0x95, 0xC0, 0x90, 0x81, 0xA0, 0x01, 0xC0, 0xC0], "must not be empty" },
        { "uint64 over long", [0x91, 0x95, 0xC0, 0x90, 0x81, 0xA1, 0x70, 0xCF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xC0, 0xC0], "out of range" },
        { "label empty", [0x91, 0x95, 0xC0, 0x91, 0xA0, 0x80, 0xC0, 0xC0], "node.labels must not be empty" },
        { "properties claim 2^31", [0x91, 0x95, 0xC0, 0x90, 0xDF, 0x7F, 0xFF, 0xFF, 0xFF], "" },
    };

    [Theory]
    [MemberData(nameof(GraphCases))]
    public void Decode_MalformedNode_ReturnsFalseWithAReason(string name, byte[] body, string reason) =>
        Refused<GraphNodeWriteRequest>(name, body, reason);

    [Fact]
    public void Decode_TraversalOutOfRange_IsRefused()
    {
        // [start, maxDepth 33, direction, edgeTypes, filter, expand, limit, visited, scanned, paths, certificate]
        byte[] depth = [0x9B, 0xA1, 0x61, 0x21, 0x00, 0x90, 0x92, 0x90, 0x80, 0xC2, 0x01, 0x01, 0x01, 0xC2, 0xC2];
        byte[] direction = [0x9B, 0xA1, 0x61, 0x01, 0x03, 0x90, 0x92, 0x90, 0x80, 0xC2, 0x01, 0x01, 0x01, 0xC2, 0xC2];
        byte[] limit = [0x9B, 0xA1, 0x61, 0x01, 0x00, 0x90, 0x92, 0x90, 0x80, 0xC2, 0x00, 0x01, 0x01, 0xC2, 0xC2];
        byte[] valid = [0x9B, 0xA1, 0x61, 0x01, 0x00, 0x90, 0x92, 0x90, 0x80, 0xC2, 0x01, 0x01, 0x01, 0xC2, 0xC2];

        Refused<GraphTraverseRequest>("depth", depth, "maxDepth is 33");
        Refused<GraphTraverseRequest>("direction", direction, "direction is 3");
        Refused<GraphTraverseRequest>("limit", limit, "limit is 0");
        Assert.True(MessageCodec.TryDecode<GraphTraverseRequest>(valid, out _, out var error), error);
    }

    [Fact]
    public void Decode_PathWithAsManyEdgesAsNodes_IsRefused()
    {
        // GRAPH_SHORTEST_PATH response [[["a"], ["e"]], false, 1]
        byte[] body = [0x93, 0x92, 0x91, 0xA1, 0x61, 0x91, 0xA1, 0x65, 0xC2, 0x01];

        Refused<GraphShortestPathResponse>("path", body, "one node more than edges");
    }

    [Fact]
    public void Decode_CertificateWithShortHashOrHugeItemCount_IsRefused()
    {
        // CERTIFICATE_VERIFY [[[ [0, 0, "c", "i", bin(31)] ], bin(32), 0]]
        byte[] shortHash = [0x91, 0x93, 0x91, 0x95, 0x00, 0x00, 0xA1, 0x63, 0xA1, 0x69, 0xC4, 0x1F, .. new byte[31], 0xC4, 0x20, .. new byte[32], 0x00];
        byte[] huge = [0x91, 0x93, 0xDD, 0x7F, 0xFF, 0xFF, 0xFF];
        byte[] kind = [0x91, 0x93, 0x91, 0x95, 0xCD, 0x01, 0x00, 0x00, 0xA1, 0x63, 0xA1, 0x69, 0xC4, 0x20, .. new byte[32], 0xC4, 0x20, .. new byte[32], 0x00];

        Refused<CertificateVerifyRequest>("short hash", shortHash, "item.contentHash has 31 bytes; expected 32");
        Refused<CertificateVerifyRequest>("huge", huge, "the body ends inside a value");
        Refused<CertificateVerifyRequest>("kind 256", kind, "item.kind is 256");
    }

    [Fact]
    public void Decode_BatchWithUnknownKindOrNoOperations_IsRefused()
    {
        byte[] unknown = [0x91, 0x91, 0x92, 0x0A, 0xA1, 0x61];
        byte[] empty = [0x91, 0x90];
        byte[] wrongBody = [0x91, 0x91, 0x92, 0x07, 0x01]; // DeleteNode with an integer id

        Refused<MemoryBatchRequest>("unknown kind", unknown, "operation.kind is 10");
        Refused<MemoryBatchRequest>("empty", empty, "operations must not be empty");
        Refused<MemoryBatchRequest>("wrong body", wrongBody, "operation.id must be a string");
    }

    [Fact]
    public void Decode_CausalQueryWithNaNBound_IsRefused()
    {
        // CAUSAL_EFFECTS ["m", 0, NaN, 10, false]
        byte[] body = [0x95, 0xA1, 0x6D, 0x00, 0xCB, 0x7F, 0xF8, 0, 0, 0, 0, 0, 0, 0x0A, 0xC2];
        byte[] infinite = [0x95, 0xA1, 0x6D, 0x00, 0xCB, 0xFF, 0xF0, 0, 0, 0, 0, 0, 0, 0x0A, 0xC2];

        Refused<CausalEdgeQueryRequest>("NaN", body, "minUplift must not be NaN");
        Assert.True(MessageCodec.TryDecode<CausalEdgeQueryRequest>(infinite, out var decoded, out var error), error);
        Assert.Equal(double.NegativeInfinity, decoded.MinUplift);
    }

    [Fact]
    public void Decode_RandomBytes_AsEveryMemoryMessage_NeverThrows()
    {
        var random = new Random(11);
        for (var i = 0; i < 3_000; i++)
        {
            var body = new byte[random.Next(0, 64)];
            random.NextBytes(body);
            if (body.Length > 0 && random.Next(2) == 0)
            {
                body[0] = (byte)(0x90 | random.Next(0, 12));
            }
            MessageCodec.TryDecode<EpisodeStoreRequest>(body, out _, out _);
            MessageCodec.TryDecode<EpisodeRetrieveRequest>(body, out _, out _);
            MessageCodec.TryDecode<EpisodeRetrieveResponse>(body, out _, out _);
            MessageCodec.TryDecode<EpisodeCritiquesResponse>(body, out _, out _);
            MessageCodec.TryDecode<SkillWriteRequest>(body, out _, out _);
            MessageCodec.TryDecode<SkillSearchRequest>(body, out _, out _);
            MessageCodec.TryDecode<SkillConsolidateResponse>(body, out _, out _);
            MessageCodec.TryDecode<CausalAddEdgeRequest>(body, out _, out _);
            MessageCodec.TryDecode<CausalChainResponse>(body, out _, out _);
            MessageCodec.TryDecode<CausalRecallRequest>(body, out _, out _);
            MessageCodec.TryDecode<CausalRecallResponse>(body, out _, out _);
            MessageCodec.TryDecode<GraphNodeWriteRequest>(body, out _, out _);
            MessageCodec.TryDecode<GraphEdgeAddRequest>(body, out _, out _);
            MessageCodec.TryDecode<GraphTraverseRequest>(body, out _, out _);
            MessageCodec.TryDecode<GraphTraverseResponse>(body, out _, out _);
            MessageCodec.TryDecode<GraphMatchRequest>(body, out _, out _);
            MessageCodec.TryDecode<GraphMatchResponse>(body, out _, out _);
            MessageCodec.TryDecode<MemoryBatchRequest>(body, out _, out _);
            MessageCodec.TryDecode<CertificateVerifyRequest>(body, out _, out _);
            MessageCodec.TryDecode<MemoryStatsResponse>(body, out _, out _);
        }
    }

    [Fact]
    public void Write_PropertyWithoutAValue_Throws()
    {
        var node = new WireGraphNodeInput("n", [], new Dictionary<string, PropertyValue> { ["p"] = default });

        Assert.Throws<ArgumentException>(() => MessageCodec.ToArray(new GraphNodeWriteRequest(node)));
    }

    private static void Refused<T>(string name, byte[] body, string reason) where T : IWireMessage<T>
    {
        var before = GC.GetAllocatedBytesForCurrentThread();

        var decoded = MessageCodec.TryDecode<T>(body, out _, out var error);

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 * 1024, $"{name}: allocated for a claimed length");
        Assert.False(decoded, name);
        Assert.Contains(reason, error);
    }

    /// <summary>EPISODE_STORE with one episode whose fields are valid unless replaced.</summary>
    private static byte[] Episode(
        byte[]? task = null, byte[]? reward = null, byte[]? latency = null, byte[]? tags = null, byte[]? metadata = null,
        byte[]? timestamp = null, byte[]? vector = null) =>
    [
        0x91, 0x91, 0x9E,
        0xC0, 0xC0, .. task ?? [0xA1, 0x74], 0xC0, 0xC0, 0xC0, .. reward ?? [0x00], 0xC3, .. latency ?? [0x00], 0x00,
        .. tags ?? [0x90], .. metadata ?? [0x80], .. timestamp ?? [0xC0], .. vector ?? [0xC0],
    ];
}
