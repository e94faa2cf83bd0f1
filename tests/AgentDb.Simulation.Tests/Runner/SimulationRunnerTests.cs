using AgentDb.Engine.Tests.Support;
using AgentDb.Memory.Reflexion;
using AgentDb.Simulation.Runner;
using AgentDb.Simulation.Scenarios;
using AgentDb.Simulation.Tests.Support;

namespace AgentDb.Simulation.Tests.Runner;

public sealed class SimulationRunnerTests
{
    [Fact]
    public async Task AScenarioThatThrows_GivesAnIncompleteResult_WithWhatWasMeasured()
    {
        using var dir = new TempDirectory();
        await using var target = Simulations.OpenEmbedded(dir.Path);

        var result = await SimulationRunner.RunAsync(new FailingScenario(), target, new SimulationOptions { Iterations = 1 }, null, CancellationToken.None);

        Assert.False(result.Completed);
        Assert.Contains("ArgumentException", result.Error, StringComparison.Ordinal);
        Assert.Equal(3, result.Calls);
        Assert.Equal(1, result.Failures);
        Assert.Equal(2.0 / 3, result.SuccessRate, 9);
        var store = Assert.Single(result.OperationKinds, k => k.Name == "store");
        Assert.Equal(1, store.Errors["ArgumentException"]);
        // The batch of 2 counts 2 operations in one call.
        Assert.Equal(3, result.Operations);
        Assert.Contains("\"completed\": false", SimulationReport.ToJson(result), StringComparison.Ordinal);
        var table = new StringWriter();
        SimulationReport.WriteTable(result, table);
        Assert.Contains("STOPPED EARLY: ArgumentException", table.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task ForEachAgent_RunsEveryAgentOnce_AtMostParallelAtOnce(int parallel)
    {
        var context = new ScenarioContext(new NullMemoryTarget(), new SimulationOptions { Parallel = parallel }, swarmSize: 1);
        int running = 0, most = 0;
        var seen = new int[20];
        var order = new List<int>();
        await context.ForEachAgentAsync(seen.Length, async (agent, ct) =>
        {
            int now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            lock (order)
            {
                order.Add(agent);
            }
            await Task.Yield();
            Interlocked.Increment(ref seen[agent]);
            Interlocked.Decrement(ref running);
        }, CancellationToken.None);

        Assert.All(seen, count => Assert.Equal(1, count));
        Assert.InRange(most, 1, parallel);
        if (parallel == 1)
        {
            Assert.Equal(Enumerable.Range(0, 20), order);
        }
    }

    private static void InterlockedMax(ref int location, int value)
    {
        int current;
        while ((current = Volatile.Read(ref location)) < value && Interlocked.CompareExchange(ref location, value, current) != current)
        {
        }
    }

    /// <summary>Two good writes (one a batch of two), then a bad one that ends the run.</summary>
    private sealed class FailingScenario : ISimulationScenario
    {
        public string Name => "failing";
        public string Description => "test";
        public int DefaultSwarmSize => 1;

        public async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
        {
            var good = new float[Simulations.Dimension];
            good[0] = 1;
            await context.MeasureAsync("store", () => context.Memory.StoreEpisodeAsync(new Episode { Task = "t", Vector = good }, cancellationToken));
            await context.MeasureAsync("store_batch", 2, () => context.Memory.StoreEpisodesAsync(
                [new Episode { Task = "t", Vector = good }, new Episode { Task = "u", Vector = good }], cancellationToken));
            await context.MeasureAsync("store", () => context.Memory.StoreEpisodeAsync(new Episode { Task = "t", Vector = new float[3] }, cancellationToken));
        }
    }
}
