using AgentDb.Memory;
using AgentDb.Memory.Embedding;
using AgentDb.Memory.Reflexion;
using AgentDb.Simulation.Scenarios;
using AgentDb.Simulation.Targets;
using AgentDb.Engine.Tests.Support;

namespace AgentDb.Simulation.Tests.Scenarios;

public sealed class ScenarioContextTests
{
    [Fact]
    public async Task MeasureCountsSuccessesAndFailuresByKind()
    {
        using var dir = new TempDirectory();
        await using var target = EmbeddedMemoryTarget.Open(dir.Path, new AgentMemoryOptions { Embedder = new HashingEmbedder(16) });
        var context = new ScenarioContext(target, new SimulationOptions(), swarmSize: 1);
        var vector = new float[16];
        vector[3] = 1;

        string id = await context.MeasureAsync("store", () => target.StoreEpisodeAsync(new Episode { Task = "t", Reward = 1, Vector = vector }));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () =>
            await context.MeasureAsync("store", () => target.StoreEpisodeAsync(new Episode { Task = "t", Vector = new float[3] })));

        var stats = context.Operations["store"];
        Assert.Equal(1, stats.Successes);
        Assert.Equal(1, stats.Failures);
        Assert.Single(stats.Errors);
        Assert.True(stats.PercentileMs(0.99) >= stats.PercentileMs(0.5));
        Assert.NotNull(await target.GetEpisodeAsync(id));
    }

    [Fact]
    public void RandomStreamsDependOnSeedAndStreamOnly()
    {
        var a = new ScenarioContext(new NullTarget(), new SimulationOptions { Seed = 7 }, 1);
        var b = new ScenarioContext(new NullTarget(), new SimulationOptions { Seed = 7 }, 1);
        var c = new ScenarioContext(new NullTarget(), new SimulationOptions { Seed = 8 }, 1);
        Assert.Equal(a.CreateRandom(3).Next(), b.CreateRandom(3).Next());
        Assert.NotEqual(a.CreateRandom(3).Next(), a.CreateRandom(4).Next());
        Assert.NotEqual(a.CreateRandom(3).Next(), c.CreateRandom(3).Next());
    }

    private sealed class NullTarget : IMemoryTarget
    {
        public string Name => "null";
        public int Dimension => 1;
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        public ValueTask<string> StoreEpisodeAsync(Episode episode, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public ValueTask<IReadOnlyList<string>> StoreEpisodesAsync(IReadOnlyList<Episode> episodes, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public ValueTask<Episode?> GetEpisodeAsync(string id, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public ValueTask<IReadOnlyList<EpisodeMatch>> RetrieveRelevantAsync(ReadOnlyMemory<float> vector, EpisodeRetrievalOptions options, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public ValueTask<TaskStats> GetTaskStatsAsync(string task, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public ValueTask UpsertSkillAsync(AgentDb.Memory.Skills.Skill skill, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public ValueTask<IReadOnlyList<AgentDb.Memory.Skills.SkillMatch>> SearchSkillsAsync(ReadOnlyMemory<float> vector, AgentDb.Memory.Skills.SkillSearchOptions options, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public ValueTask<AgentDb.Memory.Skills.Skill> RecordSkillUseAsync(string name, bool success, double reward, long latencyMs, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public ValueTask<string> AddCausalEdgeAsync(string from, string to, string? mechanism, double uplift, double confidence, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public ValueTask<IReadOnlyList<AgentDb.Memory.Causal.CausalEdge>> QueryEffectsAsync(string interventionId, AgentDb.Memory.Causal.CausalEdgeQueryOptions options, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public ValueTask<string> AddNodeAsync(AgentDb.Memory.Graph.GraphNodeInput node, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public ValueTask<string> AddEdgeAsync(AgentDb.Memory.Graph.GraphEdgeInput edge, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public ValueTask<IReadOnlyList<AgentDb.Memory.Graph.GraphNeighbor>> NeighborsAsync(string nodeId, AgentDb.Memory.Graph.GraphDirection direction, int limit, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public ValueTask<long?> DiskBytesAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<long?>(null);
    }
}
