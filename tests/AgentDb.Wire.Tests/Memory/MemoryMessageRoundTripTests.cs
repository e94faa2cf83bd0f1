using System.Buffers;
using AgentDb.Wire.Messages;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Wire.Tests.Memory;

/// <summary>Seeded property tests over every agent-memory message: encode → decode → encode gives the same bytes (also
/// from two segments), every strict prefix is rejected, and a trailing byte is rejected, all without an exception.</summary>
public sealed class MemoryMessageRoundTripTests
{
    private const int Iterations = 150;

    public static TheoryData<string> MessageNames => new()
    {
        "EpisodeStoreRequest", "MemoryIdListResponse", "MemoryIdRequest", "MemoryIdResponse", "EpisodeResponse",
        "EpisodeRetrieveRequest", "EpisodeRetrieveResponse", "EpisodeTaskRequest", "EpisodeTaskStatsResponse",
        "EpisodeCritiquesRequest", "EpisodeCritiquesResponse",
        "SkillWriteRequest", "SkillResponse", "SkillSearchRequest", "SkillSearchResponse", "SkillRecordUseRequest",
        "SkillConsolidateRequest", "SkillConsolidateResponse",
        "CausalAddEdgeRequest", "CausalEdgeKeyRequest", "CausalEdgeResponse", "CausalEdgeQueryRequest", "CausalEdgeQueryResponse",
        "CausalChainRequest", "CausalChainResponse", "CausalRecallRequest", "CausalRecallResponse",
        "GraphNodeWriteRequest", "GraphNodeResponse", "GraphEdgeAddRequest", "GraphEdgeResponse", "GraphNeighborsRequest",
        "GraphNeighborsResponse", "GraphTraverseRequest", "GraphTraverseResponse", "GraphShortestPathRequest",
        "GraphShortestPathResponse", "GraphMatchRequest", "GraphMatchResponse", "GraphNodeSearchRequest", "GraphNodeSearchResponse",
        "MemoryBatchRequest", "CertificateVerifyRequest", "CertificateVerifyResponse", "MemoryStatsResponse",
    };

    [Theory]
    [MemberData(nameof(MessageNames))]
    public void RandomMemoryMessages_RoundTripByteForByte_AndEveryPrefixIsRejected(string name)
    {
        for (var seed = 0; seed < Iterations; seed++)
        {
            var r = new RandomMemoryMessages(seed);
            switch (name)
            {
                case "EpisodeStoreRequest": Check(new EpisodeStoreRequest([r.Episode(), .. r.ListOf(r.Episode)])); break;
                case "MemoryIdListResponse": Check(new MemoryIdListResponse(r.ListOf(r.MaybeId))); break;
                case "MemoryIdRequest": Check(new MemoryIdRequest(r.Id())); break;
                case "MemoryIdResponse": Check(new MemoryIdResponse(r.Id())); break;
                case "EpisodeResponse": Check(new EpisodeResponse(r.Episode())); break;
                case "EpisodeRetrieveRequest":
                    var (task, vector) = r.Query();
                    Check(new EpisodeRetrieveRequest(
                        task, vector, r.Between(1, MemoryWireLimits.MaxK), r.Bool() ? null : r.Finite(), (WireEpisodeOutcome)r.Between(0, 2),
                        r.MaybeId(), r.Bool() ? null : r.Long(), r.Bool() ? null : r.Long(), r.Bool()));
                    break;
                case "EpisodeRetrieveResponse":
                    Check(new EpisodeRetrieveResponse(r.ListOf(() => new WireEpisodeMatch(r.Episode(), r.Distance(), r.Between(0, 255))), r.MaybeCertificate()));
                    break;
                case "EpisodeTaskRequest": Check(new EpisodeTaskRequest(r.Text())); break;
                case "EpisodeTaskStatsResponse":
                    Check(new EpisodeTaskStatsResponse(r.Text(), r.Between(0, int.MaxValue), r.Between(0, int.MaxValue), r.Any(), r.Any(), r.Any(), r.Any(), r.Long(), r.Long()));
                    break;
                case "EpisodeCritiquesRequest": Check(new EpisodeCritiquesRequest(r.Text(), r.Between(1, MemoryWireLimits.MaxCritiques))); break;
                case "EpisodeCritiquesResponse":
                    WireCritiqueEntry Entry() => new(r.Id(), r.Any(), r.Bool(), r.Long(), r.MaybeText());
                    Check(new EpisodeCritiquesResponse(r.Text(), r.Between(0, 9), r.Between(0, 9), r.Between(0, 9), r.Between(0, 9), r.ListOf(Entry), r.ListOf(Entry)));
                    break;
                case "SkillWriteRequest": Check(new SkillWriteRequest(r.Skill())); break;
                case "SkillResponse": Check(new SkillResponse(r.Skill())); break;
                case "SkillSearchRequest":
                    var (text, query) = r.Query();
                    Check(new SkillSearchRequest(text, query, r.Between(1, MemoryWireLimits.MaxK), r.Finite(), r.Bool()));
                    break;
                case "SkillSearchResponse":
                    Check(new SkillSearchResponse(r.ListOf(() => new WireSkillMatch(r.Skill(), r.Distance())), r.MaybeCertificate()));
                    break;
                case "SkillRecordUseRequest": Check(new SkillRecordUseRequest(r.Id(), r.Bool(), r.Finite(), r.NonNegative())); break;
                case "SkillConsolidateRequest":
                    Check(new SkillConsolidateRequest(r.Between(1, SkillConsolidateRequest.MaxMinAttempts), r.Finite(), r.Bool() ? null : r.Long(), r.Bool() ? null : r.Long()));
                    break;
                case "SkillConsolidateResponse":
                    Check(new SkillConsolidateResponse(r.Between(0, int.MaxValue), r.Between(0, 100), r.Strings(r.Id), r.Strings(r.Id), r.Strings(r.Id), r.Strings(r.Id)));
                    break;
                case "CausalAddEdgeRequest": Check(r.CausalAddEdge()); break;
                case "CausalEdgeKeyRequest": Check(new CausalEdgeKeyRequest(r.Id(), r.Id(), r.MaybeText())); break;
                case "CausalEdgeResponse": Check(new CausalEdgeResponse(r.CausalEdge())); break;
                case "CausalEdgeQueryRequest":
                    Check(new CausalEdgeQueryRequest(r.Id(), r.Finite(), r.Bool() ? double.NegativeInfinity : r.Finite(), r.Between(1, MemoryWireLimits.MaxResults), r.Bool()));
                    break;
                case "CausalEdgeQueryResponse": Check(new CausalEdgeQueryResponse(r.ListOf(r.CausalEdge), r.MaybeCertificate())); break;
                case "CausalChainRequest":
                    Check(new CausalChainRequest(r.Id(), r.Id(), r.Between(1, MemoryWireLimits.MaxChainDepth), r.Finite(), double.NegativeInfinity,
                        r.Between(1, MemoryWireLimits.MaxExpandedNodes), r.Bool()));
                    break;
                case "CausalChainResponse":
                    Check(new CausalChainResponse(r.Bool(), r.ListOf(r.CausalEdge), r.Any(), r.Bool(), r.Between(0, int.MaxValue), r.MaybeCertificate()));
                    break;
                case "CausalRecallRequest":
                    var (recallText, recallVector) = r.Query();
                    Check(new CausalRecallRequest(recallText, recallVector, r.Between(1, MemoryWireLimits.MaxK), r.Finite(), r.Finite(), r.Finite(),
                        r.MaybeId(), r.Between(1, MemoryWireLimits.MaxCandidateFactor), r.Bool()));
                    break;
                case "CausalRecallResponse":
                    Check(new CausalRecallResponse(
                        r.ListOf(() => new WireCausalRecallItem(r.Id(), r.Between(0, 255), r.Basic.Map(), r.Any(), r.Any(), r.Any(), r.Bool() ? null : r.CausalEdge())),
                        r.Between(0, int.MaxValue), r.MaybeCertificate()));
                    break;
                case "GraphNodeWriteRequest": Check(new GraphNodeWriteRequest(r.NodeInput())); break;
                case "GraphNodeResponse": Check(new GraphNodeResponse(r.Node())); break;
                case "GraphEdgeAddRequest": Check(new GraphEdgeAddRequest(r.EdgeInput())); break;
                case "GraphEdgeResponse": Check(new GraphEdgeResponse(r.Edge())); break;
                case "GraphNeighborsRequest":
                    Check(new GraphNeighborsRequest(r.Id(), r.Direction(), r.Strings(r.Label), r.Between(1, MemoryWireLimits.MaxResults)));
                    break;
                case "GraphNeighborsResponse":
                    Check(new GraphNeighborsResponse(r.ListOf(() => new WireGraphNeighbor(r.Edge(), r.Node(), r.Direction()))));
                    break;
                case "GraphTraverseRequest":
                    Check(new GraphTraverseRequest(r.Id(), r.Between(1, MemoryWireLimits.MaxGraphDepth), r.Direction(), r.Strings(r.Label), r.Filter(), r.Bool(),
                        r.Between(1, MemoryWireLimits.MaxResults), r.Between(1, MemoryWireLimits.MaxVisited), r.Between(1, MemoryWireLimits.MaxEdgesScanned), r.Bool(), r.Bool()));
                    break;
                case "GraphTraverseResponse":
                    Check(new GraphTraverseResponse(
                        r.ListOf(() => new WireTraversedNode(r.Node(), r.Between(1, 32), r.Bool() ? null : r.Path())), r.Bool(), r.Between(0, int.MaxValue), r.MaybeCertificate()));
                    break;
                case "GraphShortestPathRequest":
                    Check(new GraphShortestPathRequest(r.Id(), r.Id(), r.Between(1, MemoryWireLimits.MaxGraphDepth), r.Direction(), r.Strings(r.Label),
                        r.Between(1, MemoryWireLimits.MaxVisited), r.Between(1, MemoryWireLimits.MaxEdgesScanned)));
                    break;
                case "GraphShortestPathResponse": Check(new GraphShortestPathResponse(r.Bool() ? null : r.Path(), r.Bool(), r.Between(0, int.MaxValue))); break;
                case "GraphMatchRequest":
                    Check(new GraphMatchRequest(r.Filter(), r.Bool() ? null : r.Label(), r.Direction(), r.Properties(), r.Filter(),
                        r.Between(1, MemoryWireLimits.MaxResults), r.Between(1, MemoryWireLimits.MaxVisited), r.Between(1, MemoryWireLimits.MaxEdgesScanned), r.Bool()));
                    break;
                case "GraphMatchResponse":
                    Check(new GraphMatchResponse(r.ListOf(() => new WirePatternMatch(r.Node(), r.Edge(), r.Node())), r.Bool(), r.Between(0, int.MaxValue), r.MaybeCertificate()));
                    break;
                case "GraphNodeSearchRequest":
                    var (nodeText, nodeVector) = r.Query();
                    Check(new GraphNodeSearchRequest(nodeText, nodeVector, r.Between(1, MemoryWireLimits.MaxK), r.Filter(), r.Bool()));
                    break;
                case "GraphNodeSearchResponse":
                    Check(new GraphNodeSearchResponse(r.ListOf(() => new WireNodeSearchHit(r.Node(), r.Distance())), r.MaybeCertificate()));
                    break;
                case "MemoryBatchRequest": Check(new MemoryBatchRequest([r.BatchOperation(), .. r.ListOf(r.BatchOperation)])); break;
                case "CertificateVerifyRequest": Check(new CertificateVerifyRequest(r.Certificate())); break;
                case "CertificateVerifyResponse": Check(new CertificateVerifyResponse(r.Bool(), r.Strings(r.Text))); break;
                case "MemoryStatsResponse":
                    Check(new MemoryStatsResponse(r.Text(), r.Between(0, WireLimits.MaxDimension), r.ListOf(() => new KeyValuePair<string, long>(r.Label(), r.Long()))));
                    break;
                default: throw new ArgumentException(name);
            }
        }
    }

    [Fact]
    public void Decode_KeepsFieldValues_OfARetrieval()
    {
        var request = new EpisodeRetrieveRequest(null, new float[] { 0.5f, -1f }, 7, -0.25, WireEpisodeOutcome.FailuresOnly, "s9", 10, 20, true);

        Assert.True(MessageCodec.TryDecode<EpisodeRetrieveRequest>(MessageCodec.ToArray(request), out var decoded, out var error), error);

        Assert.Null(decoded.Task);
        Assert.Equal([0.5f, -1f], decoded.Vector.ToArray());
        Assert.Equal((7, -0.25, WireEpisodeOutcome.FailuresOnly, "s9", 10L, 20L, true),
            (decoded.K, decoded.MinReward, decoded.Outcome, decoded.SessionId, decoded.FromUnixMs, decoded.ToUnixMs, decoded.WithCertificate));
    }

    [Fact]
    public void Decode_KeepsPropertyKinds_AnIntegerIsNotADouble()
    {
        var node = new WireGraphNode("n", ["A", "B"], new Dictionary<string, PropertyValue>
        {
            ["i"] = 1L, ["d"] = 1.0, ["s"] = "1", ["b"] = true, ["neg"] = -5L,
        }, true, 3, 4);

        Assert.True(MessageCodec.TryDecode<GraphNodeResponse>(MessageCodec.ToArray(new GraphNodeResponse(node)), out var decoded, out var error), error);

        var properties = decoded.Node.Properties;
        Assert.Equal(PropertyValueKind.Int64, properties["i"].Kind);
        Assert.Equal(PropertyValueKind.Double, properties["d"].Kind);
        Assert.NotEqual(properties["i"], properties["d"]);
        Assert.Equal("1", properties["s"].AsString());
        Assert.True(properties["b"].AsBoolean());
        Assert.Equal(-5L, properties["neg"].AsInt64());
        Assert.Equal(["A", "B"], decoded.Node.Labels);
    }

    [Fact]
    public void Decode_AcceptsIntegersAndFloat32_WhereAFloat64IsExpected()
    {
        // SKILL_RECORD_USE ["s", true, 1 (positive fixint), 5] and ["s", true, float32 0.5, 5]
        byte[] integer = [0x94, 0xA1, 0x73, 0xC3, 0x01, 0x05];
        byte[] single = [0x94, 0xA1, 0x73, 0xC3, 0xCA, 0x3F, 0x00, 0x00, 0x00, 0x05];

        Assert.True(MessageCodec.TryDecode<SkillRecordUseRequest>(integer, out var fromInteger, out var error), error);
        Assert.True(MessageCodec.TryDecode<SkillRecordUseRequest>(single, out var fromSingle, out error), error);

        Assert.Equal(1.0, fromInteger.Reward);
        Assert.Equal(0.5, fromSingle.Reward);
    }

    [Fact]
    public void Decode_IgnoresFieldsAppendedByALaterVersion()
    {
        // GRAPH_NODE_GET/SKILL_GET [id, <future field>]
        byte[] body = [0x92, 0xA2, 0x69, 0x64, 0x81, 0xA1, 0x61, 0x01];

        Assert.True(MessageCodec.TryDecode<MemoryIdRequest>(body, out var request, out var reason), reason);
        Assert.Equal("id", request.Id);
    }

    private static void Check<T>(T message) where T : IWireMessage<T>
    {
        var bytes = MessageCodec.ToArray(message);

        Assert.True(MessageCodec.TryDecode<T>(bytes, out var decoded, out var error), $"{typeof(T).Name}: {error}");
        Assert.Equal(bytes, MessageCodec.ToArray(decoded));

        Assert.True(MessageCodec.TryDecode<T>(Segments.SplitAt(bytes, bytes.Length / 2), out var fromSegments, out error), error);
        Assert.Equal(bytes, MessageCodec.ToArray(fromSegments));

        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.False(
                MessageCodec.TryDecode<T>(new ReadOnlySequence<byte>(bytes, 0, length), out _, out _),
                $"{typeof(T).Name}: a {length}-byte prefix of {bytes.Length} decoded");
        }
        Assert.False(MessageCodec.TryDecode<T>(new ReadOnlyMemory<byte>([.. bytes, 0xC0]), out _, out error));
        Assert.Contains("unexpected bytes", error);
    }
}
