using AgentDb.Engine.Tests.Support;
using AgentDb.Memory.Reflexion;
using AgentDb.Simulation.Runner;
using AgentDb.Simulation.Scenarios;
using AgentDb.Simulation.Scenarios.ReflexionLearning;
using AgentDb.Simulation.Tests.Support;

namespace AgentDb.Simulation.Tests.Scenarios;

public sealed class ReflexionLearningTests
{
    private static readonly SimulationOptions s_options = new() { SwarmSize = 5, Iterations = 8, Seed = 3 };

    [Fact]
    public async Task RewardImprovesWithMemory_AndBeatsTheNoMemoryControl()
    {
        var learning = await Run(new ReflexionLearningScenario(useMemory: true), s_options);
        var control = await Run(new ReflexionLearningScenario(useMemory: false), s_options);

        Assert.Equal(1.0, learning.SuccessRate);
        double learned = Simulations.Metric(learning, "last_iteration_reward");
        double uncontrolled = Simulations.Metric(control, "last_iteration_reward");
        Assert.True(learned > uncontrolled, $"with memory {learned}, without {uncontrolled}");
        Assert.True(Simulations.Metric(learning, "improvement") > 0, "the reward must rise over the iterations");
        Assert.True(Simulations.Metric(learning, "mean_reward") > Simulations.Metric(control, "mean_reward"));
        // After at most one failed attempt per strategy, every task is solved.
        Assert.Equal(1.0, Simulations.Metric(learning, "last_iteration_success_rate"));
        Assert.Equal(0, Simulations.Metric(control, "retrievals"));
        Assert.Equal(5 * 8, Simulations.Metric(learning, "retrievals"));
        var series = Assert.Single(learning.Series, s => s.Key == "reward").Value;
        Assert.Equal(8, series.Count);
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 4)]
    public async Task EveryStoredEpisodeIsRetrievableById(bool optimize, int parallel)
    {
        using var dir = new TempDirectory();
        await using var target = Simulations.OpenEmbedded(dir.Path);
        var options = s_options with { Optimize = optimize, Parallel = parallel, Iterations = 4 };

        var result = await Simulations.RunAsync(new ReflexionLearningScenario(), target, options);

        Assert.Equal(20, Simulations.Metric(result, "episodes_stored"));
        for (int agent = 0; agent < 5; agent++)
        {
            for (int i = 0; i < 4; i++)
            {
                var episode = await target.GetEpisodeAsync(ReflexionLearningScenario.EpisodeId(3, agent, i));
                Assert.NotNull(episode);
                Assert.NotNull(episode.Critique);
                Assert.True(episode.Metadata.ContainsKey("strategy"));
            }
        }
    }

    [Fact]
    public async Task SameSeed_SameRewardCurve_WhateverTheParallelism()
    {
        var one = await Run(new ReflexionLearningScenario(), s_options with { Parallel = 1 });
        var four = await Run(new ReflexionLearningScenario(), s_options with { Parallel = 4, Optimize = true });
        Assert.Equal(one.Metrics, four.Metrics);
        Assert.Equal(Assert.Single(one.Series, s => s.Key == "reward").Value, Assert.Single(four.Series, s => s.Key == "reward").Value);
    }

    [Fact]
    public void Choose_ReusesASuccess_SkipsCritiquedFailures_AndExploresWithoutMemory()
    {
        Assert.Equal(3, ReflexionLearningScenario.Choose([], "t", explore: 3, out bool reused));
        Assert.False(reused);

        EpisodeMatch Past(int strategy, double reward, string critique, string task = "t") => new(new Episode
        {
            Task = task,
            Reward = reward,
            Critique = critique,
            Metadata = new Dictionary<string, string> { ["strategy"] = strategy.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        }, 0.1f, 0);

        // Strategies 1 and 2 failed: from 1 on, the first one not marked failing is 3.
        Assert.Equal(3, ReflexionLearningScenario.Choose(
            [Past(1, 0.3, "fell short; try another strategy"), Past(2, 0.4, "fell short; try another strategy")], "t", explore: 1, out reused));
        Assert.False(reused);

        // A success is reused, whatever the exploration draw; another task's episodes are ignored.
        Assert.Equal(4, ReflexionLearningScenario.Choose(
            [Past(1, 0.3, "try another strategy"), Past(4, 0.9, "reuse it"), Past(0, 0.99, "reuse it", task: "other")], "t", explore: 0, out reused));
        Assert.True(reused);
    }

    private static async Task<SimulationResult> Run(ReflexionLearningScenario scenario, SimulationOptions options)
    {
        using var dir = new TempDirectory();
        await using var target = Simulations.OpenEmbedded(dir.Path);
        return await Simulations.RunAsync(scenario, target, options);
    }
}
