using AgentDb.Engine.Tests.Support;
using AgentDb.Simulation.Runner;
using AgentDb.Simulation.Scenarios;
using AgentDb.Simulation.Scenarios.MultiAgentSwarm;
using AgentDb.Simulation.Tests.Support;

namespace AgentDb.Simulation.Tests.Scenarios;

public sealed class MultiAgentSwarmTests
{
    [Theory]
    [InlineData(false, 1)]
    [InlineData(false, 4)]
    [InlineData(true, 4)]
    public async Task EveryStoredEpisodeIsRetrievable_AndTheCountsMatch(bool optimize, int parallel)
    {
        using var dir = new TempDirectory();
        await using var target = Simulations.OpenEmbedded(dir.Path);
        var options = new SimulationOptions { SwarmSize = 8, Iterations = 5, Seed = 21, Parallel = parallel, Optimize = optimize };

        var result = await Simulations.RunAsync(new MultiAgentSwarmScenario(), target, options);

        Assert.Equal(1.0, result.SuccessRate);
        Assert.Equal(40, Simulations.Metric(result, "episodes_stored"));
        Assert.Equal(40, Simulations.Operation(result, optimize ? "store_episodes_batch" : "store_episode").Items);
        Assert.Equal(2 * 40, Simulations.Metric(result, "peer_episodes_read"));
        Assert.Equal(0, Simulations.Metric(result, "peer_episodes_missing"));
        Assert.Equal(40, Simulations.Metric(result, "skill_uses_recorded"));
        Assert.Equal(5, Simulations.Metric(result, "mean_results_per_retrieval"));
        for (int agent = 0; agent < 8; agent++)
        {
            for (int i = 0; i < 5; i++)
            {
                var episode = await target.GetEpisodeAsync(MultiAgentSwarmScenario.EpisodeId(21, agent, i));
                Assert.NotNull(episode);
                Assert.Equal(Simulations.Dimension, episode.Vector.Length);
            }
        }
    }

    [Fact]
    public async Task SameSeed_IdenticalResults_AcrossParallelOneAndFour()
    {
        var options = new SimulationOptions { SwarmSize = 12, Iterations = 6, Seed = 8 };
        var one = await Run(options with { Parallel = 1 });
        var four = await Run(options with { Parallel = 4 });
        var otherSeed = await Run(options with { Seed = 9 });

        Assert.Equal(one.Metrics, four.Metrics);
        Assert.Equal(one.Series.Count, four.Series.Count);
        for (int s = 0; s < one.Series.Count; s++)
        {
            Assert.Equal(one.Series[s].Key, four.Series[s].Key);
            Assert.Equal(one.Series[s].Value, four.Series[s].Value);
        }
        Assert.NotEqual(one.Metrics, otherSeed.Metrics);
    }

    private static async Task<SimulationResult> Run(SimulationOptions options)
    {
        using var dir = new TempDirectory();
        await using var target = Simulations.OpenEmbedded(dir.Path);
        return await Simulations.RunAsync(new MultiAgentSwarmScenario(), target, options);
    }
}
