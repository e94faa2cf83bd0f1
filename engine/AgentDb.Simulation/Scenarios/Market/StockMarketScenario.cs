using System.Globalization;
using AgentDb.Memory.Reflexion;

namespace AgentDb.Simulation.Scenarios.Market;

/// <summary>
/// <c>stock-market</c>: traders following five strategies (momentum, value, contrarian, high-frequency, index) trade
/// one stock through a limit order book with price-time priority, under a circuit breaker, with flash-crash and
/// herding detection and per-strategy profit and loss. Each iteration is one trading session: at its start every
/// trader retrieves the stored episodes nearest its view of the market and leans toward the direction the profitable
/// ones among them took; at its end the best traders by session P&amp;L store their episode (the state they saw, the
/// direction they took, reward = P&amp;L) for the others to learn from.
/// </summary>
/// <remarks>
/// Deterministic for a seed: every trader decides from the same start-of-tick snapshot with its own random stream, the
/// orders are submitted in an order drawn from the market's own stream, retrievals are exact at this size and ordered
/// by (session, trader) before use, and all the traders' memory operations of a phase complete before the market moves
/// on. With <see cref="SimulationOptions.Optimize"/> a session's episodes are written as one batch.
/// </remarks>
public sealed class StockMarketScenario : ISimulationScenario
{
    /// <summary>The strategies, in the order traders are assigned them (trader i follows strategy i mod 5).</summary>
    public static readonly IReadOnlyList<string> StrategyNames = ["momentum", "value", "contrarian", "high-frequency", "index"];

    /// <summary>The prefix of the task text of every stored episode (followed by the strategy's name).</summary>
    public const string TaskPrefix = "stock-market: ";

    private const int StrategyCount = 5;

    // How much a trader leans toward what the retrieved episodes did (its learned bias is in [-1, 1]).
    private const double BiasWeight = 0.3;
    private const int MarketStream = -1;
    private const int ProjectionStream = -2;

    private readonly StockMarketSettings _settings;

    /// <summary>Creates the scenario with its default parameters.</summary>
    public StockMarketScenario()
        : this(new StockMarketSettings())
    {
    }

    /// <summary>Creates the scenario with <paramref name="settings"/> (tests).</summary>
    internal StockMarketScenario(StockMarketSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
    }

    /// <inheritdoc />
    public string Name => "stock-market";

    /// <inheritdoc />
    public string Description => "Limit-order-book market of 5 trading strategies with circuit breaker, flash-crash and herding detection; best traders' episodes feed adaptive learning.";

    /// <inheritdoc />
    public int DefaultSwarmSize => 100;

    /// <inheritdoc />
    public async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var outcome = await SimulateAsync(context, cancellationToken).ConfigureAwait(false);
        Report(context, outcome);
    }

    /// <summary>Runs the simulation and returns everything it produced (the tests check its invariants).</summary>
    internal async Task<StockMarketOutcome> SimulateAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var s = _settings;
        int traders = context.SwarmSize;
        int sessions = context.Options.Iterations;
        ArgumentOutOfRangeException.ThrowIfLessThan(sessions, 1);

        var accounts = new TraderAccount[traders];
        var randoms = new Random[traders];
        var temperaments = new double[traders];
        for (int i = 0; i < traders; i++)
        {
            accounts[i] = new TraderAccount(s.InitialCashCents, s.InitialShares);
            randoms[i] = context.CreateRandom(i);
            temperaments[i] = randoms[i].NextDouble() * 2 - 1;
        }
        var exchange = new Exchange(accounts, s.InitialPriceCents, s.OrderLifetimeTicks);
        var breaker = new CircuitBreaker(s.BreakerThreshold, s.BreakerWindowTicks, s.HaltTicks);
        var flash = new FlashCrashDetector(s.FlashCrashDrop, s.FlashCrashWindowTicks);
        var herding = new HerdingDetector(s.HerdingThreshold);
        var market = context.CreateRandom(MarketStream);
        var encoder = new MarketStateEncoder(context.Memory.Dimension, context.CreateRandom(ProjectionStream));

        long cashStart = exchange.TotalCashCents();
        long sharesStart = exchange.TotalShares();
        var prices = new List<long>(sessions * s.TicksPerSession + 1) { s.InitialPriceCents };
        var closes = new List<long>(sessions);
        var storedIds = new List<string>();
        var bias = new double[traders];
        var orders = new List<(int Trader, OrderSide Side, long Limit, int Quantity)>(traders);
        double fundamental = s.InitialPriceCents;
        double lastHerding = 0;
        double lastImbalance = 0;
        long ordersPlaced = 0;
        long tradesDuringHalts = 0;
        long ordersRejectedInHalts = 0;
        long retrieved = 0;
        int haltedTicks = 0;
        int crossedBook = 0;
        int failures = 0;
        int tick = 0;

        for (int session = 0; session < sessions; session++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long sessionOpen = exchange.LastPriceCents;
            var startValue = new long[traders];
            var startShares = new long[traders];
            var states = new float[traders][];
            for (int i = 0; i < traders; i++)
            {
                startValue[i] = accounts[i].MarkToMarketCents(sessionOpen);
                startShares[i] = accounts[i].Shares;
                double fraction = startValue[i] == 0 ? 0 : accounts[i].Shares * (double)sessionOpen / startValue[i];
                states[i] = encoder.Encode(prices, lastHerding, lastImbalance, fraction, temperaments[i], (TradingStrategy)(i % StrategyCount));
            }

            var (learned, matches, retrieveFailures) = await LearnAsync(context, states, s.RetrievedEpisodes, cancellationToken).ConfigureAwait(false);
            Array.Copy(learned, bias, traders);
            retrieved += matches;
            failures += retrieveFailures;

            int sessionHerding = 0;
            long sessionBuys = 0;
            long sessionSells = 0;
            for (int t = 0; t < s.TicksPerSession; t++, tick++)
            {
                fundamental *= Math.Exp(s.FundamentalVolatility * Voting.PreferenceSpace.NextGaussian(market));
                if (market.NextDouble() < s.ShockProbability)
                {
                    fundamental *= market.Next(2) == 0 ? 1 - s.ShockSize : 1 + s.ShockSize;
                }

                // While halted the traders still decide, but the exchange accepts nothing.
                bool halted = breaker.IsHalted(tick);
                exchange.Halted = halted;
                long tradesBefore = exchange.TradeCount;
                if (halted)
                {
                    haltedTicks++;
                }

                bool hasBid = exchange.Book.TryGetBestBid(out long bestBid);
                bool hasAsk = exchange.Book.TryGetBestAsk(out long bestAsk);
                orders.Clear();
                int buyers = 0;
                int sellers = 0;
                for (int i = 0; i < traders; i++)
                {
                    var quote = Decide((TradingStrategy)(i % StrategyCount), randoms[i], accounts[i], s, prices, fundamental,
                        hasBid ? bestBid : 0, hasAsk ? bestAsk : 0, bias[i]);
                    if (quote.Quantity > 0)
                    {
                        orders.Add((i, quote.Side, quote.Limit, quote.Quantity));
                        if (quote.Side == OrderSide.Buy)
                        {
                            buyers++;
                        }
                        else
                        {
                            sellers++;
                        }
                    }
                }
                if (herding.Observe(buyers, sellers, traders))
                {
                    sessionHerding++;
                }
                sessionBuys += buyers;
                sessionSells += sellers;

                // Arrival order: a shuffle drawn from the market's stream, so no trader is always first.
                for (int k = orders.Count - 1; k > 0; k--)
                {
                    int j = market.Next(k + 1);
                    (orders[k], orders[j]) = (orders[j], orders[k]);
                }
                foreach (var order in orders)
                {
                    if (exchange.Place(order.Trader, order.Side, order.Limit, order.Quantity, tick) >= 0)
                    {
                        ordersPlaced++;
                        // The matching invariant, checked after every placement: best bid < best ask.
                        if (exchange.Book.IsCrossed)
                        {
                            crossedBook++;
                        }
                    }
                    else if (halted)
                    {
                        ordersRejectedInHalts++;
                    }
                }
                if (halted)
                {
                    tradesDuringHalts += exchange.TradeCount - tradesBefore;
                }
                exchange.ExpireOrders(tick);

                long price = exchange.LastPriceCents;
                prices.Add(price);
                flash.Observe(price);
                if (!halted && breaker.Observe(tick, price))
                {
                    exchange.CancelAll();
                }
            }

            long close = exchange.LastPriceCents;
            closes.Add(close);
            lastHerding = sessionHerding / (double)s.TicksPerSession;
            long sessionOrders = sessionBuys + sessionSells;
            lastImbalance = sessionOrders == 0 ? 0 : (sessionBuys - sessionSells) / (double)sessionOrders;

            // The best traders of the session (by P&L marked to the close; ties: lower trader id) store their episode.
            var pnl = new long[traders];
            var ranking = new int[traders];
            for (int i = 0; i < traders; i++)
            {
                pnl[i] = accounts[i].MarkToMarketCents(close) - startValue[i];
                ranking[i] = i;
            }
            Array.Sort(ranking, (a, b) => pnl[a] != pnl[b] ? pnl[b].CompareTo(pnl[a]) : a.CompareTo(b));
            int best = Math.Max(1, (int)(traders * s.BestTraderFraction));
            var episodes = new Episode[best];
            for (int r = 0; r < best; r++)
            {
                int i = ranking[r];
                long traded = accounts[i].Shares - startShares[i];
                episodes[r] = TraderEpisode(session, i, states[i], traded, pnl[i]);
            }
            var (ids, storeFailures) = await StoreAsync(context, episodes, cancellationToken).ConfigureAwait(false);
            failures += storeFailures;
            foreach (string? id in ids)
            {
                if (id is not null)
                {
                    storedIds.Add(id);
                }
            }

            long[] strategyPnl = StrategyPnl(accounts, close, s);
            for (int k = 0; k < StrategyCount; k++)
            {
                context.AddPoint("pnl_" + StrategyNames[k], session, strategyPnl[k] / 100.0);
            }
            context.AddPoint("close", session, close / 100.0);
            context.AddPoint("herding_ticks", session, sessionHerding);
            context.Progress?.Report((session + 1) / (double)sessions);
        }

        int badAccounts = 0;
        foreach (var a in accounts)
        {
            if (a.CashCents < 0 || a.Shares < 0 || a.ReservedCashCents < 0 || a.ReservedShares < 0 ||
                a.ReservedCashCents > a.CashCents || a.ReservedShares > a.Shares)
            {
                badAccounts++;
            }
        }

        return new StockMarketOutcome
        {
            TickPrices = prices,
            SessionCloses = closes,
            StrategyPnlCents = StrategyPnl(accounts, exchange.LastPriceCents, s),
            Trades = exchange.TradeCount,
            Volume = exchange.Volume,
            OrdersPlaced = ordersPlaced,
            BreakerTrips = breaker.Trips,
            HaltedTicks = haltedTicks,
            TradesDuringHalts = tradesDuringHalts,
            OrdersRejectedInHalts = ordersRejectedInHalts,
            FlashCrashes = flash.Events,
            HerdingTicks = herding.HerdingTicks,
            CrossedBookEvents = crossedBook,
            CashStartCents = cashStart,
            CashEndCents = exchange.TotalCashCents(),
            SharesStart = sharesStart,
            SharesEnd = exchange.TotalShares(),
            BadAccounts = badAccounts,
            StoredEpisodeIds = storedIds,
            EpisodesRetrieved = retrieved,
            FailedOperations = failures,
        };
    }

    // One trader's order for this tick (Quantity 0: none), from the start-of-tick snapshot and its own random stream.
    private static (OrderSide Side, long Limit, int Quantity) Decide(
        TradingStrategy strategy, Random random, TraderAccount account, StockMarketSettings s, List<long> prices,
        double fundamental, long bestBid, long bestAsk, double bias)
    {
        long price = prices[^1];
        // Every trader draws the same count of numbers each tick, whatever it decides.
        double noise = 0.25 * Voting.PreferenceSpace.NextGaussian(random);
        double draw = random.NextDouble();
        double signal;
        switch (strategy)
        {
            case TradingStrategy.Momentum:
                signal = 60 * MarketStateEncoder.Return(prices, 5);
                break;
            case TradingStrategy.Value:
                signal = 60 * (fundamental - price) / price;
                break;
            case TradingStrategy.Contrarian:
                signal = -80 * MarketStateEncoder.Return(prices, 3);
                break;
            case TradingStrategy.HighFrequency:
            {
                // Quote one cent inside the spread, on the side that brings the inventory back to its start.
                bool buy = account.Shares < s.InitialShares || (account.Shares == s.InitialShares && draw < 0.5);
                long limit = buy
                    ? (bestBid > 0 ? bestBid + 1 : price - 1)
                    : (bestAsk > 0 ? bestAsk - 1 : price + 1);
                if (bestBid > 0 && bestAsk > 0 && bestAsk - bestBid <= 2)
                {
                    limit = buy ? bestBid : bestAsk;
                }
                return (buy ? OrderSide.Buy : OrderSide.Sell, Math.Max(1, limit), 2);
            }
            default:
            {
                // Index: rebalance toward half the wealth in the stock, now and then.
                if (draw > 0.1)
                {
                    return (OrderSide.Buy, 1, 0);
                }
                long wealth = account.MarkToMarketCents(price);
                double fraction = wealth == 0 ? 0.5 : account.Shares * (double)price / wealth;
                signal = 4 * (0.5 - fraction);
                break;
            }
        }

        signal += BiasWeight * bias + noise;
        double strength = Math.Abs(signal);
        if (strength < 0.35)
        {
            return (OrderSide.Buy, 1, 0);
        }
        var side = signal > 0 ? OrderSide.Buy : OrderSide.Sell;
        int quantity = 1 + (int)(Math.Min(strength, 3) * 5);
        long offset = Math.Max(1, (long)(price * 0.001 * (1 + strength)));
        long limitPrice = side == OrderSide.Buy ? price + offset : Math.Max(1, price - offset);
        return (side, limitPrice, quantity);
    }

    private static Episode TraderEpisode(int session, int trader, float[] state, long sharesTraded, long pnlCents) => new()
    {
        Task = TaskPrefix + StrategyNames[trader % StrategyCount],
        Input = $"session {session}",
        Output = sharesTraded > 0 ? "buy" : sharesTraded < 0 ? "sell" : "hold",
        Reward = pnlCents / 100.0,
        Success = pnlCents > 0,
        Tags = ["stock-market"],
        Metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["session"] = session.ToString(CultureInfo.InvariantCulture),
            ["trader"] = trader.ToString(CultureInfo.InvariantCulture),
            ["strategy"] = StrategyNames[trader % StrategyCount],
            ["shares"] = sharesTraded.ToString(CultureInfo.InvariantCulture),
        },
        Vector = state,
    };

    // Every trader retrieves the episodes nearest its state; its bias is the similarity-weighted direction (+1 buy,
    // −1 sell) of the profitable ones among them, in [-1, 1]. Matches are ordered by (session, trader) before summing.
    private static async Task<(double[] Bias, long Matches, int Failures)> LearnAsync(
        ScenarioContext context, float[][] states, int k, CancellationToken cancellationToken)
    {
        int traders = states.Length;
        var results = new IReadOnlyList<EpisodeMatch>?[traders];
        int failures = 0;
        // No MinReward filter in the query (the memory would over-fetch 4k, 16k, … episodes while too few pass, and most
        // can be losses); the nearest k are taken and only the profitable ones count below.
        var options = new EpisodeRetrievalOptions { K = k };
        await context.ForEachAgentAsync(traders, async (i, ct) =>
        {
            try
            {
                results[i] = await context.MeasureAsync("retrieve_episodes",
                    () => context.Memory.RetrieveRelevantAsync(states[i], options, ct)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Interlocked.Increment(ref failures);
            }
        }, cancellationToken).ConfigureAwait(false);

        var bias = new double[traders];
        long total = 0;
        var ordered = new List<EpisodeMatch>();
        for (int i = 0; i < traders; i++)
        {
            ordered.Clear();
            if (results[i] is { } matches)
            {
                foreach (var m in matches)
                {
                    if (m.Episode.Task.StartsWith(TaskPrefix, StringComparison.Ordinal))
                    {
                        ordered.Add(m);
                    }
                }
            }
            total += ordered.Count;
            ordered.Sort(static (a, b) =>
            {
                int c = Number(a.Episode, "session").CompareTo(Number(b.Episode, "session"));
                return c != 0 ? c : Number(a.Episode, "trader").CompareTo(Number(b.Episode, "trader"));
            });
            double weighted = 0;
            double weights = 0;
            foreach (var m in ordered)
            {
                if (!(m.Episode.Reward > 0))
                {
                    continue;
                }
                double w = Math.Max(0, m.Similarity);
                double direction = m.Episode.Output switch { "buy" => 1, "sell" => -1, _ => 0 };
                weighted += w * direction;
                weights += w;
            }
            bias[i] = weights > 0 ? weighted / weights : 0;
        }
        return (bias, total, failures);
    }

    private static int Number(Episode episode, string key) =>
        episode.Metadata.TryGetValue(key, out string? text) &&
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : int.MaxValue;

    private static async Task<(string?[] Ids, int Failures)> StoreAsync(ScenarioContext context, Episode[] episodes, CancellationToken cancellationToken)
    {
        var ids = new string?[episodes.Length];
        int failures = 0;
        if (context.Options.Optimize)
        {
            try
            {
                var stored = await EpisodeBatches.StoreAsync(context, "store_episodes_batch", episodes, cancellationToken).ConfigureAwait(false);
                for (int i = 0; i < ids.Length; i++)
                {
                    ids[i] = stored[i];
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failures++;
            }
            return (ids, failures);
        }

        await context.ForEachAgentAsync(episodes.Length, async (i, ct) =>
        {
            try
            {
                ids[i] = await context.MeasureAsync("store_episode",
                    () => context.Memory.StoreEpisodeAsync(episodes[i], ct)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Interlocked.Increment(ref failures);
            }
        }, cancellationToken).ConfigureAwait(false);
        return (ids, failures);
    }

    private static long[] StrategyPnl(TraderAccount[] accounts, long priceCents, StockMarketSettings s)
    {
        var pnl = new long[StrategyCount];
        long start = s.InitialCashCents + s.InitialShares * s.InitialPriceCents;
        for (int i = 0; i < accounts.Length; i++)
        {
            pnl[i % StrategyCount] += accounts[i].MarkToMarketCents(priceCents) - start;
        }
        return pnl;
    }

    private static void Report(ScenarioContext context, StockMarketOutcome o)
    {
        context.SetMetric("traders", context.SwarmSize);
        context.SetMetric("sessions", o.SessionCloses.Count);
        context.SetMetric("ticks", o.TickPrices.Count - 1);
        context.SetMetric("orders", o.OrdersPlaced);
        context.SetMetric("trades", o.Trades);
        context.SetMetric("volume", o.Volume);
        context.SetMetric("final_price", o.TickPrices[^1] / 100.0);
        context.SetMetric("price_change", (o.TickPrices[^1] - o.TickPrices[0]) / (double)o.TickPrices[0]);
        context.SetMetric("circuit_breaker_trips", o.BreakerTrips);
        context.SetMetric("halted_ticks", o.HaltedTicks);
        context.SetMetric("flash_crashes", o.FlashCrashes);
        context.SetMetric("herding_ticks", o.HerdingTicks);
        context.SetMetric("crossed_book_events", o.CrossedBookEvents);
        context.SetMetric("cash_drift", o.CashEndCents - o.CashStartCents);
        context.SetMetric("share_drift", o.SharesEnd - o.SharesStart);
        int bestStrategy = 0;
        for (int k = 0; k < StrategyCount; k++)
        {
            context.SetMetric("pnl_" + StrategyNames[k], o.StrategyPnlCents[k] / 100.0);
            if (o.StrategyPnlCents[k] > o.StrategyPnlCents[bestStrategy])
            {
                bestStrategy = k;
            }
        }
        context.SetMetric("best_strategy", bestStrategy);
        context.SetMetric("episodes_stored", o.StoredEpisodeIds.Count);
        context.SetMetric("episodes_retrieved", o.EpisodesRetrieved);
        context.SetMetric("failed_operations", o.FailedOperations);
    }
}
