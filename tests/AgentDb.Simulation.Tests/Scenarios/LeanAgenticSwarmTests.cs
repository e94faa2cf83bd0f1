using AgentDb.Engine.Tests.Support;
using AgentDb.Memory.Skills;
using AgentDb.Simulation.Scenarios;
using AgentDb.Simulation.Scenarios.LeanAgenticSwarm;
using AgentDb.Simulation.Targets;
using AgentDb.Simulation.Tests.Support;

namespace AgentDb.Simulation.Tests.Scenarios;

public sealed class LeanAgenticSwarmTests
{
    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 3)]
    public async Task EveryAgentDoesTwoOperationsPerIteration_AndEveryEpisodeIsRetrievable(bool optimize, int parallel)
    {
        using var dir = new TempDirectory();
        await using var target = Simulations.OpenEmbedded(dir.Path);
        var options = new SimulationOptions { SwarmSize = 7, Iterations = 4, Seed = 11, Optimize = optimize, Parallel = parallel };

        var result = await Simulations.RunAsync(new LeanAgenticSwarmScenario(), target, options);

        // Agents 0,3,6 memory; 1,4 skill; 2,5 coordinator.
        Assert.Equal(1.0, result.SuccessRate);
        Assert.Equal(0, result.Failures);
        long agentOperations = 0;
        foreach (var kind in result.OperationKinds)
        {
            if (!kind.Name.StartsWith("setup.", StringComparison.Ordinal))
            {
                agentOperations += kind.Items;
            }
        }
        Assert.Equal(2 * 7 * 4, agentOperations);
        Assert.Equal(2, Simulations.Operation(result, "setup.upsert_skill").Calls);
        Assert.Equal(3 * 4, Simulations.Metric(result, "episodes_stored"));
        Assert.Equal(optimize ? 4 : 12, Simulations.Operation(result, optimize ? "memory.store_episodes_batch" : "memory.store_episode").Calls);

        foreach (int agent in (int[])[0, 3, 6])
        {
            for (int i = 0; i < 4; i++)
            {
                var episode = await target.GetEpisodeAsync(LeanAgenticSwarmScenario.EpisodeId(11, agent, i));
                Assert.NotNull(episode);
                Assert.StartsWith("lean-s11-task-", episode.Task, StringComparison.Ordinal);
            }
        }
        // Each skill agent recorded one use per iteration.
        var query = new float[Simulations.Dimension];
        query[0] = 1;
        var skills = await target.SearchSkillsAsync(query, new SkillSearchOptions { K = 10 });
        Assert.Equal(2, skills.Count);
        foreach (var match in skills)
        {
            Assert.Equal(4, match.Skill.Uses);
        }
        // The coordinators' last reads saw every episode stored by then for their tasks: never more than were stored.
        Assert.InRange(Simulations.Metric(result, "task_attempts_seen_last_iteration"), 0, 12);
        Assert.True(result.DiskBytes > 0);
    }

    [Fact]
    public async Task SameSeed_SameOutcome_WhateverTheParallelism()
    {
        var sequential = await RunInFreshDirectory(new SimulationOptions { SwarmSize = 9, Iterations = 3, Seed = 5, Parallel = 1 });
        var parallel = await RunInFreshDirectory(new SimulationOptions { SwarmSize = 9, Iterations = 3, Seed = 5, Parallel = 4 });
        var otherSeed = await RunInFreshDirectory(new SimulationOptions { SwarmSize = 9, Iterations = 3, Seed = 6, Parallel = 1 });

        Assert.Equal(sequential.Metrics, parallel.Metrics);
        Assert.NotEqual(
            Simulations.Metric(sequential, "mean_episode_reward"),
            Simulations.Metric(otherSeed, "mean_episode_reward"));
    }

    private static async Task<Simulation.Runner.SimulationResult> RunInFreshDirectory(SimulationOptions options)
    {
        using var dir = new TempDirectory();
        await using var target = Simulations.OpenEmbedded(dir.Path);
        return await Simulations.RunAsync(new LeanAgenticSwarmScenario(), target, options);
    }
}
