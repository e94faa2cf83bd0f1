using AgentDb.Client;
using AgentDb.Wire.Messages;
using AgentDb.Wire.Messages.Memory;
using static AgentDb.Server.Tests.Memory.MemoryTestData;

namespace AgentDb.Server.Tests.Memory;

/// <summary>Every agent-memory operation through the .NET client against <c>agentdb serve --embedder hashing</c> on
/// 127.0.0.1, the real memory layer behind it in the server's <c>DATA/memory</c>.</summary>
public sealed class MemoryEndToEndTests : IAsyncLifetime
{
    private MemoryServer? _server;
    private AgentDbClient? _client;

    private MemoryServer Server => _server!;

    private AgentDbClient Client => _client!;

    public async Task InitializeAsync()
    {
        _server = await MemoryServer.StartAsync("hashing");
        _client = await _server.ConnectAsync(MemoryServer.WriteKey);
    }

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Episodes_StoreRetrieveGet_ThroughTheServersEmbedder()
    {
        var ids = await Client.StoreEpisodesAsync(
        [
            Episode("sort a list of numbers", 0.9, true, critique: "a heap was fast"),
            Episode("sort a list of numbers", 0.2, false, critique: "bubble sort timed out"),
            Episode("parse a json document", 0.8, true),
        ]);
        var single = await Client.StoreEpisodeAsync(Episode("book a flight to paris", 0.5, true, id: "ep-flight", session: "s2"));

        Assert.Equal(3, ids.Count);
        Assert.Equal(3, ids.Distinct().Count());
        Assert.Equal("ep-flight", single);
        // The memory lives in the database (replicated with it): its records read like any, but only memory operations write them.
        Assert.False(Directory.Exists(Path.Combine(Server.DataDirectory, "memory")));
        Assert.NotNull(await Client.GetAsync("mem.episodes", "ep-flight"));
        var forbidden = await Assert.ThrowsAsync<AgentDbException>(() => Client.DeleteAsync("mem.episodes", "ep-flight"));
        Assert.Equal(ErrorCode.Forbidden, forbidden.Code);
        forbidden = await Assert.ThrowsAsync<AgentDbException>(() => Client.DropCollectionAsync("mem.episodes"));
        Assert.Equal(ErrorCode.Forbidden, forbidden.Code);

        var retrieval = await Client.RetrieveRelevantAsync("sort a list of numbers", k: 2);
        Assert.Equal(2, retrieval.Matches.Count);
        Assert.All(retrieval.Matches, m => Assert.Equal("sort a list of numbers", m.Episode.Task));
        Assert.True(retrieval.Matches[0].Distance < 1e-4, $"distance {retrieval.Matches[0].Distance}");
        Assert.Null(retrieval.Certificate);
        Assert.Equal(384, retrieval.Matches[0].Episode.Vector.Length);
        Assert.NotNull(retrieval.Matches[0].Episode.TimestampUnixMs);

        var successes = await Client.RetrieveRelevantAsync(new EpisodeRetrieveRequest(
            "sort a list of numbers", ReadOnlyMemory<float>.Empty, 10, outcome: WireEpisodeOutcome.SuccessesOnly));
        Assert.DoesNotContain(successes.Matches, m => !m.Episode.Success);
        var rewarding = await Client.RetrieveRelevantAsync(new EpisodeRetrieveRequest(
            "sort a list of numbers", ReadOnlyMemory<float>.Empty, 10, minReward: 0.85));
        Assert.Equal([ids[0]], rewarding.Matches.Select(m => m.Episode.Id));
        var session = await Client.RetrieveRelevantAsync(new EpisodeRetrieveRequest(
            "sort a list of numbers", ReadOnlyMemory<float>.Empty, 10, sessionId: "s2"));
        Assert.Equal(["ep-flight"], session.Matches.Select(m => m.Episode.Id));

        var byVector = await Client.RetrieveRelevantAsync(retrieval.Matches[0].Episode.Vector, k: 1);
        Assert.Equal(retrieval.Matches[0].Episode.Id, byVector.Matches[0].Episode.Id);

        var stored = await Client.GetEpisodeAsync(ids[2]);
        Assert.NotNull(stored);
        Assert.Equal(("parse a json document", "input", "output", 0.8, true, 10L, 100L), (stored.Task, stored.Input, stored.Output, stored.Reward, stored.Success, stored.LatencyMs, stored.TokensUsed));
        Assert.Equal(["t"], stored.Tags);
        Assert.Equal("v", stored.Metadata["k"]);
        Assert.Null(await Client.GetEpisodeAsync("no-such-episode"));
    }

    [Fact]
    public async Task Episodes_TaskStatsAndCritiques()
    {
        await Client.StoreEpisodesAsync(
        [
            Episode("make tea", 0.2, false, critique: "water too cold", timestamp: 1_000),
            Episode("make tea", 0.6, true, critique: "steeped too long", timestamp: 2_000),
            Episode("make tea", 1.0, true, critique: "perfect", timestamp: 3_000),
            Episode("make coffee", 0.5, true, timestamp: 4_000),
        ]);

        var stats = await Client.GetTaskStatsAsync("make tea");
        Assert.Equal(("make tea", 3, 2), (stats.Task, stats.Attempts, stats.Successes));
        Assert.Equal(0.6, stats.AverageReward, 6);
        Assert.Equal(0.4, stats.RewardTrend, 6);
        Assert.Equal((1_000L, 3_000L), (stats.FirstUnixMs, stats.LastUnixMs));
        Assert.Equal(0, (await Client.GetTaskStatsAsync("no such task")).Attempts);

        var critiques = await Client.SummarizeCritiquesAsync("make tea", 1);
        Assert.Equal((3, 2, 1, 3), (critiques.Attempts, critiques.Successes, critiques.Failures, critiques.WithCritique));
        Assert.Equal("perfect", Assert.Single(critiques.Best).Critique);
        Assert.Equal("water too cold", Assert.Single(critiques.Worst).Critique);
    }

    [Fact]
    public async Task Episodes_BadInput_IsBadRequest_AndTheConnectionStaysOpen()
    {
        var wrongDimension = await Assert.ThrowsAsync<AgentDbException>(() => Client.RetrieveRelevantAsync(new float[] { 1, 0, 0 }, k: 1));
        Assert.Equal(ErrorCode.BadRequest, wrongDimension.Code);

        var zeroK = await Assert.ThrowsAsync<AgentDbException>(() => Client.RetrieveRelevantAsync("x", k: 0));
        Assert.Equal(ErrorCode.BadRequest, zeroK.Code);
        Assert.Contains("k is 0", zeroK.Message);

        var badWindow = await Assert.ThrowsAsync<AgentDbException>(() => Client.RetrieveRelevantAsync(new EpisodeRetrieveRequest(
            "x", ReadOnlyMemory<float>.Empty, 1, fromUnixMs: 10, toUnixMs: 5)));
        Assert.Equal(ErrorCode.BadRequest, badWindow.Code);

        var emptySession = await Assert.ThrowsAsync<AgentDbException>(() => Client.StoreEpisodeAsync(Episode("x", 0, true, session: "")));
        Assert.Equal(ErrorCode.BadRequest, emptySession.Code);

        await Client.PingAsync();
    }

    [Fact]
    public async Task Skills_CreateGetSearchRecordUseConsolidate()
    {
        await Client.CreateSkillAsync(Skill("heap-sort", "sort numbers with a binary heap"));
        await Client.CreateSkillAsync(Skill("json-parse", "parse json text into objects"));

        var duplicate = await Assert.ThrowsAsync<AgentDbException>(() => Client.CreateSkillAsync(Skill("heap-sort", "again")));
        Assert.Equal(ErrorCode.BadRequest, duplicate.Code);
        Assert.Contains("already exists", duplicate.Message);

        var skill = await Client.GetSkillAsync("heap-sort");
        Assert.NotNull(skill);
        Assert.Equal(("sort numbers with a binary heap", 2L, "f(x)"), (skill.Description, skill.Uses, skill.Signature));
        Assert.True(skill.CreatedUnixMs > 0);
        Assert.Null(await Client.GetSkillAsync("no-such-skill"));

        var found = await Client.SearchSkillsAsync("sort numbers with a binary heap", k: 2);
        Assert.Equal("heap-sort", found.Matches[0].Skill.Name);

        var used = await Client.RecordSkillUseAsync("heap-sort", true, 1.0, 20);
        Assert.Equal(3L, used.Uses);
        Assert.Equal(3L, (await Client.GetSkillAsync("heap-sort"))!.Uses);
        var unknown = await Assert.ThrowsAsync<AgentDbException>(() => Client.RecordSkillUseAsync("no-such-skill", true, 1, 1));
        Assert.Equal(ErrorCode.NotFound, unknown.Code);

        await Client.UpsertSkillAsync(Skill("heap-sort", "replaced", uses: 0));
        Assert.Equal(("replaced", 0L), ((await Client.GetSkillAsync("heap-sort"))!.Description, (await Client.GetSkillAsync("heap-sort"))!.Uses));

        await Client.StoreEpisodesAsync([Episode("brew tea", 0.9, true), Episode("brew tea", 0.8, true), Episode("brew tea", 0.95, true)]);
        var consolidated = await Client.ConsolidateEpisodesAsync(new SkillConsolidateRequest(3, 0.7));
        Assert.Equal(1, consolidated.TasksConsidered);
        var name = Assert.Single(consolidated.Created);
        Assert.Equal("brew tea", (await Client.GetSkillAsync(name))!.SourceTask);
        var again = await Client.ConsolidateEpisodesAsync(new SkillConsolidateRequest(3, 0.7));
        Assert.Empty(again.Created);
        Assert.Equal([name], again.Unchanged);
    }

    [Fact]
    public async Task Causal_EdgesEffectsCausesChainAndRecall()
    {
        var first = await Client.AddCausalEdgeAsync("a", "b", "mechanism-1", 0.5, 0.9, 10, ["ev-1"]);
        await Client.AddCausalEdgeAsync("b", "c", null, 0.4, 0.8);
        await Client.AddCausalEdgeAsync("a", "c", "weak", 0.1, 0.2);

        var effects = await Client.QueryEffectsAsync(new CausalEdgeQueryRequest("a"));
        Assert.Equal([first, effects.Edges[1].Id], effects.Edges.Select(e => e.Id));
        Assert.Equal(["ev-1"], effects.Edges[0].EvidenceIds);
        var confident = await Client.QueryEffectsAsync(new CausalEdgeQueryRequest("a", minConfidence: 0.5));
        Assert.Equal("b", Assert.Single(confident.Edges).To);
        var causes = await Client.GetCausesOfAsync(new CausalEdgeQueryRequest("c"));
        Assert.Equal(["b", "a"], causes.Edges.Select(e => e.From));

        var chain = await Client.GetCausalChainAsync(new CausalChainRequest("a", "c", minConfidence: 0.5));
        Assert.True(chain.Found);
        Assert.Equal(["a", "b"], chain.Edges.Select(e => e.From));
        Assert.Equal(0.72, chain.Strength, 6);
        Assert.False((await Client.GetCausalChainAsync(new CausalChainRequest("c", "a"))).Found);

        var edge = await Client.GetCausalEdgeAsync("a", "b", "mechanism-1");
        Assert.Equal((first, 0.5, 0.9, 10L), (edge!.Id, edge.Uplift, edge.Confidence, edge.SampleSize));
        Assert.True(await Client.RemoveCausalEdgeAsync("a", "c", "weak"));
        Assert.False(await Client.RemoveCausalEdgeAsync("a", "c", "weak"));
        Assert.Null(await Client.GetCausalEdgeAsync("a", "c", "weak"));

        var selfLoop = await Assert.ThrowsAsync<AgentDbException>(() => Client.AddCausalEdgeAsync("a", "a", null, 1, 1));
        Assert.Equal(ErrorCode.BadRequest, selfLoop.Code);
        var confidence = await Assert.ThrowsAsync<AgentDbException>(() => Client.AddCausalEdgeAsync("a", "z", null, 1, 1.5));
        Assert.Equal(ErrorCode.BadRequest, confidence.Code);

        var helped = await Client.StoreEpisodeAsync(Episode("deploy the service", 0.9, true, id: "ep-helped"));
        await Client.StoreEpisodeAsync(Episode("deploy the service", 0.1, false, id: "ep-plain"));
        await Client.AddCausalEdgeAsync(helped, "outcome", null, 2.0, 1.0);
        var recall = await Client.CausalRecallAsync(new CausalRecallRequest("deploy the service", ReadOnlyMemory<float>.Empty, k: 2, withCertificate: true));
        Assert.Equal(["ep-helped", "ep-plain"], recall.Items.Select(i => i.MemoryId));
        Assert.Equal(2.0, recall.Items[0].Uplift, 6);
        Assert.Equal("outcome", recall.Items[0].SupportingEdge!.To);
        Assert.Null(recall.Items[1].SupportingEdge);
        Assert.False(recall.Items[0].Payload.IsEmpty);
        Assert.True((await Client.VerifyCertificateAsync(recall.Certificate!)).IsValid);
    }

    [Fact]
    public async Task Graph_NodesEdgesNeighborsTraverseShortestPathMatchSearch()
    {
        Assert.Equal("alice", await Client.AddNodeAsync(Node("alice", "Person", new() { ["age"] = 34L, ["city"] = "Oslo" }, "alice likes hiking")));
        await Client.AddNodeAsync(Node("bob", "Person", text: "bob writes compilers"));
        await Client.AddNodeAsync(Node("carol", "Person"));
        await Client.AddNodeAsync(Node("acme", "Company"));
        var generated = await Client.AddNodeAsync(new WireGraphNodeInput(null, ["Thing"], NoProperties));
        Assert.False(string.IsNullOrEmpty(generated));

        var knows = await Client.AddEdgeAsync(Edge("alice", "KNOWS", "bob", "k1"));
        await Client.AddEdgeAsync(Edge("bob", "KNOWS", "carol", "k2"));
        await Client.AddEdgeAsync(Edge("alice", "WORKS_AT", "acme", "w1"));
        Assert.Equal("k1", knows);

        var alice = await Client.GetNodeAsync("alice");
        Assert.Equal(["Person"], alice!.Labels);
        Assert.Equal(34L, alice.Properties["age"].AsInt64());
        Assert.Equal("Oslo", alice.Properties["city"].AsString());
        Assert.True(alice.HasEmbedding);
        Assert.Null(await Client.GetNodeAsync("nobody"));
        Assert.Equal(("alice", "bob", "KNOWS"), ((await Client.GetEdgeAsync("k1"))!.From, (await Client.GetEdgeAsync("k1"))!.To, (await Client.GetEdgeAsync("k1"))!.Type));

        var neighbors = await Client.NeighborsAsync("alice", WireGraphDirection.Out, ["KNOWS"]);
        Assert.Equal("bob", Assert.Single(neighbors).Node.Id);
        var incoming = await Client.NeighborsAsync("bob", WireGraphDirection.In);
        Assert.Equal(WireGraphDirection.In, Assert.Single(incoming).Direction);

        var walk = await Client.TraverseAsync(new GraphTraverseRequest("alice", maxDepth: 2, edgeTypes: ["KNOWS"], includePaths: true));
        Assert.Equal(["bob", "carol"], walk.Nodes.Select(n => n.Node.Id));
        Assert.Equal([1, 2], walk.Nodes.Select(n => n.Depth));
        Assert.Equal(["alice", "bob", "carol"], walk.Nodes[1].Path!.NodeIds);
        var people = await Client.TraverseAsync(new GraphTraverseRequest("alice", nodeFilter: new WireNodeFilter(["Company"], NoProperties)));
        Assert.Equal("acme", Assert.Single(people.Nodes).Node.Id);

        var path = await Client.ShortestPathAsync(new GraphShortestPathRequest("alice", "carol"));
        Assert.Equal(["k1", "k2"], path.Path!.EdgeIds);
        var none = await Client.ShortestPathAsync(new GraphShortestPathRequest("carol", "alice"));
        Assert.Null(none.Path);
        Assert.False(none.Truncated);

        var matches = await Client.MatchAsync(new GraphMatchRequest(new WireNodeFilter(["Person"], NoProperties), "KNOWS", to: new WireNodeFilter(["Person"], NoProperties)));
        Assert.Equal(["alice->bob", "bob->carol"], matches.Matches.Select(m => $"{m.A.Id}->{m.B.Id}"));

        var search = await Client.SearchNodesAsync(new GraphNodeSearchRequest("bob writes compilers", ReadOnlyMemory<float>.Empty, 1));
        Assert.Equal("bob", Assert.Single(search.Hits).Node.Id);

        var missingEnd = await Assert.ThrowsAsync<AgentDbException>(() => Client.AddEdgeAsync(Edge("alice", "KNOWS", "nobody")));
        Assert.Equal(ErrorCode.NotFound, missingEnd.Code);
        var existing = await Assert.ThrowsAsync<AgentDbException>(() => Client.AddNodeAsync(Node("alice", "Person")));
        Assert.Equal(ErrorCode.BadRequest, existing.Code);
        var unknownStart = await Assert.ThrowsAsync<AgentDbException>(() => Client.TraverseAsync(new GraphTraverseRequest("nobody")));
        Assert.Equal(ErrorCode.NotFound, unknownStart.Code);

        Assert.True(await Client.DeleteNodeAsync("bob"));
        Assert.False(await Client.DeleteNodeAsync("bob"));
        Assert.Null(await Client.GetEdgeAsync("k1"));
        Assert.Null(await Client.GetEdgeAsync("k2"));
        Assert.True(await Client.DeleteEdgeAsync("w1"));
        Assert.False(await Client.DeleteEdgeAsync("w1"));
        await Client.UpsertNodeAsync(Node("carol", "Robot"));
        Assert.Equal(["Robot"], (await Client.GetNodeAsync("carol"))!.Labels);
    }

    [Fact]
    public async Task MemoryBatch_IsAtomic_AFailingOperationWritesNothing()
    {
        await Client.AddNodeAsync(Node("hub", "Place"));
        await Client.AddNodeAsync(Node("old", "Place"));
        await Client.AddEdgeAsync(Edge("old", "ROAD", "hub", "old-road"));

        var failed = await Assert.ThrowsAsync<AgentDbException>(() => Client.ExecuteMemoryBatchAsync(
        [
            MemoryBatchOperation.StoreEpisode(Episode("batched task", 0.7, true, id: "ep-batched")),
            MemoryBatchOperation.CreateSkill(Skill("batched-skill", "from a batch")),
            MemoryBatchOperation.AddNode(Node("spoke", "Place")),
            MemoryBatchOperation.AddEdge(Edge("spoke", "ROAD", "nowhere")),
        ]));
        Assert.Equal(ErrorCode.NotFound, failed.Code);
        Assert.Null(await Client.GetEpisodeAsync("ep-batched"));
        Assert.Null(await Client.GetSkillAsync("batched-skill"));
        Assert.Null(await Client.GetNodeAsync("spoke"));

        await Client.CreateSkillAsync(Skill("taken", "exists"));
        var duplicate = await Assert.ThrowsAsync<AgentDbException>(() => Client.ExecuteMemoryBatchAsync(
        [
            MemoryBatchOperation.StoreEpisode(Episode("batched task", 0.7, true, id: "ep-batched")),
            MemoryBatchOperation.CreateSkill(Skill("taken", "again")),
        ]));
        Assert.Equal(ErrorCode.BadRequest, duplicate.Code);
        Assert.Null(await Client.GetEpisodeAsync("ep-batched"));

        var ids = await Client.ExecuteMemoryBatchAsync(
        [
            MemoryBatchOperation.StoreEpisode(Episode("batched task", 0.7, true, id: "ep-batched")),
            MemoryBatchOperation.CreateSkill(Skill("batched-skill", "from a batch")),
            MemoryBatchOperation.AddCausalEdge(new CausalAddEdgeRequest("ep-batched", "goal", null, 0.5, 0.5)),
            MemoryBatchOperation.AddNode(Node("spoke", "Place")),
            MemoryBatchOperation.AddEdge(Edge("spoke", "ROAD", "hub", "road-1")),
            MemoryBatchOperation.DeleteNode("old"),
        ]);
        Assert.Equal(6, ids.Count);
        Assert.Equal("ep-batched", ids[0]);
        Assert.Null(ids[1]);
        Assert.NotNull(ids[2]);
        Assert.Equal(("spoke", "road-1"), (ids[3], ids[4]));
        Assert.Null(ids[5]);
        Assert.NotNull(await Client.GetEpisodeAsync("ep-batched"));
        Assert.NotNull(await Client.GetSkillAsync("batched-skill"));
        Assert.NotNull(await Client.GetCausalEdgeAsync("ep-batched", "goal", null));
        Assert.Equal("hub", (await Client.GetEdgeAsync("road-1"))!.To);
        Assert.Null(await Client.GetNodeAsync("old"));
        Assert.Null(await Client.GetEdgeAsync("old-road"));
    }

    [Fact]
    public async Task Certificates_VerifyAfterRetrieval_AndFailAfterTampering()
    {
        await Client.StoreEpisodesAsync([Episode("water the plants", 0.9, true, id: "ep-water"), Episode("water the garden", 0.4, false, id: "ep-garden")]);

        var retrieval = await Client.RetrieveRelevantAsync("water the plants", k: 2, withCertificate: true);
        var certificate = retrieval.Certificate!;
        Assert.Equal(retrieval.Matches.Select(m => m.Episode.Id), certificate.Items.Select(i => i.Id));
        Assert.All(certificate.Items, i => Assert.Equal((0, "mem.episodes"), (i.Kind, i.Collection)));
        var valid = await Client.VerifyCertificateAsync(certificate);
        Assert.True(valid.IsValid, string.Join("; ", valid.Problems));
        Assert.Empty(valid.Problems);

        // A root that does not match its items.
        var forgedRoot = new Certificate(certificate.Items, new byte[32], certificate.CreatedUnixMs);
        var forged = await Client.VerifyCertificateAsync(forgedRoot);
        Assert.False(forged.IsValid);
        Assert.Contains(forged.Problems, p => p.Contains("Merkle root", StringComparison.Ordinal));

        // The same id stored again with other content.
        await Client.StoreEpisodeAsync(Episode("water the plants", 0.1, false, id: "ep-water"));
        var tampered = await Client.VerifyCertificateAsync(certificate);
        Assert.False(tampered.IsValid);
        Assert.Contains(tampered.Problems, p => p.Contains("ep-water", StringComparison.Ordinal) && p.Contains("changed", StringComparison.Ordinal));

        // A graph traversal's certificate fails once a returned node is replaced.
        await Client.AddNodeAsync(Node("root", "R"));
        await Client.AddNodeAsync(Node("leaf", "L"));
        await Client.AddEdgeAsync(Edge("root", "HAS", "leaf"));
        var walk = await Client.TraverseAsync(new GraphTraverseRequest("root", withCertificate: true));
        Assert.Equal(3, Assert.Single(walk.Certificate!.Items).Kind);
        Assert.True((await Client.VerifyCertificateAsync(walk.Certificate)).IsValid);
        await Client.UpsertNodeAsync(Node("leaf", "L", new() { ["changed"] = true }));
        Assert.False((await Client.VerifyCertificateAsync(walk.Certificate)).IsValid);

        var badKind = new Certificate([new CertificateItem(9, 0, "c", "i", new byte[32])], new byte[32], 0);
        var refused = await Assert.ThrowsAsync<AgentDbException>(() => Client.VerifyCertificateAsync(badKind));
        Assert.Equal(ErrorCode.BadRequest, refused.Code);
    }

    [Fact]
    public async Task Roles_AReadKeyReadsButCannotWrite_AWriteKeyWrites()
    {
        await Client.StoreEpisodeAsync(Episode("read me", 1, true, id: "ep-read"));
        await using var reader = await Server.ConnectAsync(MemoryServer.ReadKey);

        Assert.NotNull(await reader.GetEpisodeAsync("ep-read"));
        Assert.Single((await reader.RetrieveRelevantAsync("read me", k: 1)).Matches);
        Assert.Equal("hashing-384", (await reader.GetMemoryStatsAsync()).Embedder);

        var store = await Assert.ThrowsAsync<AgentDbException>(() => reader.StoreEpisodeAsync(Episode("nope", 1, true)));
        Assert.Equal(ErrorCode.Forbidden, store.Code);
        var skill = await Assert.ThrowsAsync<AgentDbException>(() => reader.CreateSkillAsync(Skill("nope", "nope")));
        Assert.Equal(ErrorCode.Forbidden, skill.Code);
        var batch = await Assert.ThrowsAsync<AgentDbException>(() => reader.ExecuteMemoryBatchAsync([MemoryBatchOperation.DeleteNode("x")]));
        Assert.Equal(ErrorCode.Forbidden, batch.Code);
        var node = await Assert.ThrowsAsync<AgentDbException>(() => reader.AddNodeAsync(Node("x", "X")));
        Assert.Equal(ErrorCode.Forbidden, node.Code);
        Assert.Null(await Client.GetNodeAsync("x"));
    }

    [Fact]
    public async Task MemoryStats_ReportTheEmbedderAndCounts()
    {
        await Client.StoreEpisodeAsync(Episode("count me", 1, true));
        await Client.AddNodeAsync(Node("n1", "N"));

        var stats = await Client.GetMemoryStatsAsync();

        Assert.Equal(("hashing-384", 384), (stats.Embedder, stats.Dimension));
        var values = stats.Values.ToDictionary(v => v.Key, v => v.Value);
        Assert.Equal(1, values["graph.nodes"]);
        Assert.True(values["records"] >= 3, $"records {values["records"]}"); // the episode, its task-index entry, the node (+ label index)
        Assert.Equal(1, values["stores"]);
    }

    [Fact]
    public async Task MalformedBodies_ToEveryMemoryOpcode_AreBadRequest_AndTheServerKeepsServing()
    {
        var random = new Random(5);
        var refused = 0;
        foreach (var opcode in AgentDb.Wire.Frames.MemoryOpcodes.All.ToArray())
        {
            for (var i = 0; i < 20; i++)
            {
                var body = new byte[random.Next(1, 40)];
                random.NextBytes(body);
                body[0] = (byte)(0x90 | random.Next(0, 12));
                try
                {
                    // A body that happens to decode is executed (MEMORY_STATS takes any array); the response is ignored.
                    await Client.SendAsync<RawBody, AnyResponse>(opcode, new RawBody(body));
                }
                catch (AgentDbException error)
                {
                    Assert.True(error.Code is ErrorCode.BadRequest or ErrorCode.NotFound, $"{opcode}: {error.Code} {error.Message}");
                    refused++;
                }
            }
        }
        Assert.True(refused > 30 * 20 / 2, $"only {refused} refused");
        await Client.PingAsync();
        Assert.Equal("hashing-384", (await Client.GetMemoryStatsAsync()).Embedder);
    }
}
