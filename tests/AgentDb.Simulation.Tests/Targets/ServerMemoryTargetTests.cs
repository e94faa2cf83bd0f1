using AgentDb.Client;
using AgentDb.Memory.Causal;
using AgentDb.Memory.Graph;
using AgentDb.Memory.Reflexion;
using AgentDb.Memory.Skills;
using AgentDb.Server.Tests.Memory;
using AgentDb.Simulation.Scenarios;
using AgentDb.Simulation.Scenarios.LeanAgenticSwarm;
using AgentDb.Simulation.Scenarios.MultiAgentSwarm;
using AgentDb.Simulation.Targets;
using AgentDb.Simulation.Tests.Support;

namespace AgentDb.Simulation.Tests.Targets;

/// <summary>The server target against a real <c>agentdb serve</c> (in process, 127.0.0.1, a free port,
/// <c>--embedder hashing-16</c>).</summary>
public sealed class ServerMemoryTargetTests
{
    private const int Dimension = 16;

    [Fact]
    public async Task EveryOperation_RoundTripsThroughTheServer()
    {
        await using var server = await MemoryServer.StartAsync($"hashing-{Dimension}");
        await using var target = await ServerMemoryTarget.ConnectAsync("127.0.0.1", server.Port, MemoryServer.WriteKey, connections: 2);
        Assert.Equal(Dimension, target.Dimension);
        Assert.Contains($"127.0.0.1:{server.Port}", target.Name, StringComparison.Ordinal);

        float[] near = Axis(1);
        var first = new Episode
        {
            Id = "ep-1", SessionId = "s1", Task = "parse", Critique = "fine", Reward = 0.75, Success = true, LatencyMs = 12,
            Metadata = new Dictionary<string, string> { ["strategy"] = "2" }, Vector = near,
        };
        Assert.Equal("ep-1", await target.StoreEpisodeAsync(first));
        var ids = await target.StoreEpisodesAsync(
        [
            new Episode { Id = "ep-2", Task = "parse", Reward = 0.25, Vector = Axis(2) },
            new Episode { Task = "plan", Reward = 0.5, Vector = Axis(3) },
        ]);
        Assert.Equal(2, ids.Count);
        Assert.Equal("ep-2", ids[0]);
        Assert.False(string.IsNullOrEmpty(ids[1]));

        var read = await target.GetEpisodeAsync("ep-1");
        Assert.NotNull(read);
        Assert.Equal("parse", read.Task);
        Assert.Equal("fine", read.Critique);
        Assert.Equal(0.75, read.Reward);
        Assert.Equal("2", read.Metadata["strategy"]);
        Assert.Equal(near, read.Vector.ToArray());
        Assert.Null(await target.GetEpisodeAsync("no-such-episode"));

        var matches = await target.RetrieveRelevantAsync(near, new EpisodeRetrievalOptions { K = 2 });
        Assert.Equal(2, matches.Count);
        Assert.Equal("ep-1", matches[0].Episode.Id);
        var onlyGood = await target.RetrieveRelevantAsync(near, new EpisodeRetrievalOptions { K = 5, MinReward = 0.6 });
        Assert.Equal("ep-1", Assert.Single(onlyGood).Episode.Id);

        var stats = await target.GetTaskStatsAsync("parse");
        Assert.Equal(2, stats.Attempts);
        Assert.Equal(0.5, stats.AverageReward, 6);

        await target.UpsertSkillAsync(new Skill { Name = "tokenize", Description = "split text", Vector = Axis(4) });
        await target.UpsertSkillAsync(new Skill { Name = "rank", Vector = Axis(5) });
        var skills = await target.SearchSkillsAsync(Axis(4), new SkillSearchOptions { K = 1 });
        Assert.Equal("tokenize", Assert.Single(skills).Skill.Name);
        var used = await target.RecordSkillUseAsync("tokenize", success: true, reward: 1, latencyMs: 3);
        Assert.Equal(1, used.Uses);
        Assert.Equal(1.0, used.SuccessRate);
        var missing = await Assert.ThrowsAsync<AgentDbException>(async () => await target.RecordSkillUseAsync("nope", true, 1, 1));
        Assert.Equal(AgentDb.Wire.Messages.ErrorCode.NotFound, missing.Code);

        string edgeId = await target.AddCausalEdgeAsync("ep-1", "ep-2", "because", uplift: 0.4, confidence: 0.9);
        Assert.Equal(CausalMemory.EdgeId("ep-1", "ep-2", "because"), edgeId);
        var effects = await target.QueryEffectsAsync("ep-1", new CausalEdgeQueryOptions { MinConfidence = 0.5 });
        var effect = Assert.Single(effects);
        Assert.Equal("ep-2", effect.To);
        Assert.Equal(0.4, effect.Uplift);

        string a = await target.AddNodeAsync(new GraphNodeInput { Id = "agent-a", Labels = ["Agent"], Properties = new Dictionary<string, GraphValue> { ["rank"] = 1L } });
        string b = await target.AddNodeAsync(new GraphNodeInput { Id = "agent-b", Labels = ["Agent"] });
        await target.AddEdgeAsync(new GraphEdgeInput { From = a, Type = "DELEGATES", To = b, Properties = new Dictionary<string, GraphValue> { ["weight"] = 0.5 } });
        var neighbors = await target.NeighborsAsync("agent-b", GraphDirection.In, 10);
        var neighbor = Assert.Single(neighbors);
        Assert.Equal("agent-a", neighbor.Node.Id);
        Assert.Equal(1L, neighbor.Node.Properties["rank"].AsInt64());
        Assert.Equal("DELEGATES", neighbor.Edge.Type);
        Assert.Equal(0.5, neighbor.Edge.Properties["weight"].AsDouble());
        Assert.Equal(GraphDirection.In, neighbor.Direction);

        Assert.True(await target.DiskBytesAsync() > 0);
    }

    [Fact]
    public async Task ReadKey_CannotWrite_AndTheErrorIsTheServers()
    {
        await using var server = await MemoryServer.StartAsync($"hashing-{Dimension}");
        await using var target = await ServerMemoryTarget.ConnectAsync("127.0.0.1", server.Port, MemoryServer.ReadKey, connections: 1);
        var refused = await Assert.ThrowsAsync<AgentDbException>(async () =>
            await target.StoreEpisodeAsync(new Episode { Task = "t", Vector = Axis(0) }));
        Assert.Equal(AgentDb.Wire.Messages.ErrorCode.Forbidden, refused.Code);
    }

    [Fact]
    public async Task LeanSwarm_AgainstTheServer_StoresEveryEpisodeAndMatchesTheEmbeddedOutcome()
    {
        var options = new SimulationOptions { SwarmSize = 6, Iterations = 3, Seed = 4, Parallel = 3 };
        await using var server = await MemoryServer.StartAsync($"hashing-{Dimension}");
        Simulation.Runner.SimulationResult remote;
        await using (var target = await ServerMemoryTarget.ConnectAsync("127.0.0.1", server.Port, MemoryServer.WriteKey, connections: 3))
        {
            remote = await Simulations.RunAsync(new LeanAgenticSwarmScenario(), target, options);
            Assert.Equal(1.0, remote.SuccessRate);
            foreach (int agent in (int[])[0, 3])
            {
                for (int i = 0; i < 3; i++)
                {
                    Assert.NotNull(await target.GetEpisodeAsync(LeanAgenticSwarmScenario.EpisodeId(4, agent, i)));
                }
            }
        }

        using var dir = new AgentDb.Engine.Tests.Support.TempDirectory();
        await using var embedded = AgentDb.Simulation.Targets.EmbeddedMemoryTarget.Open(
            dir.Path, new AgentDb.Memory.AgentMemoryOptions { Embedder = new AgentDb.Memory.Embedding.HashingEmbedder(Dimension) });
        var local = await Simulations.RunAsync(new LeanAgenticSwarmScenario(), embedded, options);
        Assert.Equal(local.Metrics, remote.Metrics);
    }

    [Fact]
    public async Task MultiAgentSwarm_AgainstTheServer_CountsMatch()
    {
        await using var server = await MemoryServer.StartAsync($"hashing-{Dimension}");
        await using var target = await ServerMemoryTarget.ConnectAsync("127.0.0.1", server.Port, MemoryServer.WriteKey, connections: 4);
        var result = await Simulations.RunAsync(
            new MultiAgentSwarmScenario(), target, new SimulationOptions { SwarmSize = 6, Iterations = 3, Seed = 2, Parallel = 4, Optimize = true });
        Assert.Equal(1.0, result.SuccessRate);
        Assert.Equal(18, Simulations.Metric(result, "skill_uses_recorded"));
        Assert.Equal(0, Simulations.Metric(result, "peer_episodes_missing"));
        Assert.True(result.DiskBytes > 0);
    }

    private static float[] Axis(int axis)
    {
        var vector = new float[Dimension];
        vector[axis] = 1;
        return vector;
    }
}
