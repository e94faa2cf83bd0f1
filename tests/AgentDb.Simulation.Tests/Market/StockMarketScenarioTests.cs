using AgentDb.Engine.Tests.Support;
using AgentDb.Memory;
using AgentDb.Memory.Embedding;
using AgentDb.Memory.Reflexion;
using AgentDb.Simulation.Scenarios;
using AgentDb.Simulation.Scenarios.Market;
using AgentDb.Simulation.Targets;

namespace AgentDb.Simulation.Tests.Market;

public sealed class StockMarketScenarioTests
{
    private const int Dimension = 32;

    private static async Task<(StockMarketOutcome Outcome, ScenarioContext Context)> RunAsync(
        SimulationOptions options, int traders, StockMarketSettings? settings = null)
    {
        using var dir = new TempDirectory();
        await using var target = EmbeddedMemoryTarget.Open(dir.Path, new AgentMemoryOptions { Embedder = new HashingEmbedder(Dimension) });
        var context = new ScenarioContext(target, options, traders);
        var scenario = new StockMarketScenario(settings ?? new StockMarketSettings { TicksPerSession = 30 });
        var outcome = await scenario.SimulateAsync(context, CancellationToken.None);

        // Every stored episode is readable by id and found again by a search with its own vector.
        foreach (string id in outcome.StoredEpisodeIds)
        {
            var episode = await target.GetEpisodeAsync(id);
            Assert.NotNull(episode);
            Assert.StartsWith(StockMarketScenario.TaskPrefix, episode.Task);
            var matches = await target.RetrieveRelevantAsync(episode.Vector, new EpisodeRetrievalOptions { K = 5 });
            Assert.Contains(matches, m => m.Episode.Id == id);
        }
        return (outcome, context);
    }

    [Fact]
    public async Task TheMarketKeepsItsInvariants()
    {
        var (o, context) = await RunAsync(new SimulationOptions { Iterations = 3, Seed = 5 }, traders: 25);

        Assert.Equal(0, o.CrossedBookEvents);
        Assert.Equal(o.CashStartCents, o.CashEndCents);
        Assert.Equal(o.SharesStart, o.SharesEnd);
        Assert.Equal(0, o.BadAccounts);
        Assert.Equal(0, o.TradesDuringHalts);
        Assert.True(o.Trades > 0);
        Assert.Equal(3 * 30 + 1, o.TickPrices.Count);
        // Profit and loss is zero-sum apart from the revaluation of the shares outstanding.
        long sum = 0;
        foreach (long pnl in o.StrategyPnlCents)
        {
            sum += pnl;
        }
        Assert.Equal(o.SharesStart * (o.TickPrices[^1] - o.TickPrices[0]), sum);
        Assert.Equal(3 * 5, o.StoredEpisodeIds.Count);
        Assert.Equal(0, o.FailedOperations);
        Assert.Equal(3 * 25, context.Operations["retrieve_episodes"].Successes);
        Assert.Equal(3 * 5, context.Operations["store_episode"].Successes);
        Assert.True(o.EpisodesRetrieved > 0);
    }

    [Fact]
    public async Task TheCircuitBreakerHaltsTradingWhenItTrips()
    {
        var settings = new StockMarketSettings { TicksPerSession = 40, BreakerThreshold = 0.003, BreakerWindowTicks = 5, HaltTicks = 4 };
        var (o, _) = await RunAsync(new SimulationOptions { Iterations = 2, Seed = 8 }, traders: 30, settings);

        Assert.True(o.BreakerTrips > 0);
        Assert.True(o.HaltedTicks >= o.BreakerTrips);
        Assert.True(o.OrdersRejectedInHalts > 0);
        Assert.Equal(0, o.TradesDuringHalts);
        Assert.Equal(o.CashStartCents, o.CashEndCents);
        Assert.Equal(o.SharesStart, o.SharesEnd);
    }

    [Fact]
    public async Task ANewsShockCausesAFlashCrash()
    {
        var settings = new StockMarketSettings { TicksPerSession = 40, ShockProbability = 0.1, ShockSize = 0.3, BreakerThreshold = 0.5 };
        var (o, _) = await RunAsync(new SimulationOptions { Iterations = 2, Seed = 4 }, traders: 40, settings);

        Assert.True(o.FlashCrashes > 0);
        Assert.Equal(0, o.CrossedBookEvents);
        Assert.Equal(o.CashStartCents, o.CashEndCents);
    }

    [Fact]
    public async Task TheSameSeedGivesTheSamePricesInEveryProcess()
    {
        // Golden values: the random streams must not depend on per-process hash seeds (HashCode is randomised per
        // process). Integer outcomes (winners, prices in cents) are robust to last-bit differences of Math.Log/Cos.
        var (o, _) = await RunAsync(new SimulationOptions { Iterations = 2, Seed = 42 }, traders: 20);
        Assert.Equal([10036L, 9853L], o.SessionCloses);
    }

    [Fact]
    public async Task TheScenarioReportsItsMetrics()
    {
        using var dir = new TempDirectory();
        await using var target = EmbeddedMemoryTarget.Open(dir.Path, new AgentMemoryOptions { Embedder = new HashingEmbedder(Dimension) });
        var scenario = new StockMarketScenario();
        var context = new ScenarioContext(target, new SimulationOptions { Iterations = 2, Optimize = true }, scenario.DefaultSwarmSize);

        await scenario.RunAsync(context, CancellationToken.None);

        Assert.Equal(100, context.Metrics["traders"]);
        Assert.Equal(2 * 50, context.Metrics["ticks"]);
        Assert.Equal(0, context.Metrics["crossed_book_events"]);
        Assert.Equal(0, context.Metrics["cash_drift"]);
        Assert.Equal(0, context.Metrics["share_drift"]);
        Assert.Equal(2 * 20, context.Metrics["episodes_stored"]);
        Assert.Equal(2, context.Operations["store_episodes_batch"].Successes);
        foreach (string name in StockMarketScenario.StrategyNames)
        {
            Assert.True(context.Metrics.ContainsKey("pnl_" + name));
            Assert.Equal(2, context.Series["pnl_" + name].Count);
        }
    }

    [Fact]
    public async Task TheSameSeedGivesTheSameMarketWhateverTheParallelismOrBatching()
    {
        var (serial, _) = await RunAsync(new SimulationOptions { Iterations = 3, Seed = 21, Parallel = 1 }, traders: 20);
        var (parallel, _) = await RunAsync(new SimulationOptions { Iterations = 3, Seed = 21, Parallel = 4 }, traders: 20);
        var (batched, _) = await RunAsync(new SimulationOptions { Iterations = 3, Seed = 21, Parallel = 2, Optimize = true }, traders: 20);
        var (other, _) = await RunAsync(new SimulationOptions { Iterations = 3, Seed = 22 }, traders: 20);

        Assert.Equal(serial.TickPrices, parallel.TickPrices);
        Assert.Equal(serial.StrategyPnlCents, parallel.StrategyPnlCents);
        Assert.Equal(serial.Trades, parallel.Trades);
        Assert.Equal(serial.TickPrices, batched.TickPrices);
        Assert.Equal(serial.StrategyPnlCents, batched.StrategyPnlCents);
        Assert.Equal(serial.EpisodesRetrieved, batched.EpisodesRetrieved);
        Assert.NotEqual(serial.TickPrices, other.TickPrices);
    }
}
