using AgentDb.Memory;
using AgentDb.Memory.Embedding;
using AgentDb.Memory.Reflexion;
using AgentDb.Simulation.Scenarios;
using AgentDb.Simulation.Targets;
using AgentDb.Engine.Tests.Support;
using AgentDb.Simulation.Tests.Support;

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
        var a = new ScenarioContext(new NullMemoryTarget(), new SimulationOptions { Seed = 7 }, 1);
        var b = new ScenarioContext(new NullMemoryTarget(), new SimulationOptions { Seed = 7 }, 1);
        var c = new ScenarioContext(new NullMemoryTarget(), new SimulationOptions { Seed = 8 }, 1);
        Assert.Equal(a.CreateRandom(3).Next(), b.CreateRandom(3).Next());
        Assert.NotEqual(a.CreateRandom(3).Next(), a.CreateRandom(4).Next());
        Assert.NotEqual(a.CreateRandom(3).Next(), c.CreateRandom(3).Next());
    }
}
