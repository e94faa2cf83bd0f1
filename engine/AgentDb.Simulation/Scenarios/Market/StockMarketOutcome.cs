namespace AgentDb.Simulation.Scenarios.Market;

/// <summary>What a stock-market run produced, for its metrics and the tests' invariants.</summary>
internal sealed record StockMarketOutcome
{
    /// <summary>The last price at the end of every tick.</summary>
    public required IReadOnlyList<long> TickPrices { get; init; }

    /// <summary>The closing price of every session.</summary>
    public required IReadOnlyList<long> SessionCloses { get; init; }

    /// <summary>Profit and loss per strategy (marked to the final price, against the start marked to the opening price), in cents.</summary>
    public required long[] StrategyPnlCents { get; init; }

    /// <summary>Trades executed.</summary>
    public long Trades { get; init; }

    /// <summary>Shares traded.</summary>
    public long Volume { get; init; }

    /// <summary>Orders placed (after trimming to what the trader could pay for or deliver).</summary>
    public long OrdersPlaced { get; init; }

    /// <summary>Times the circuit breaker tripped.</summary>
    public int BreakerTrips { get; init; }

    /// <summary>Ticks during which trading was halted.</summary>
    public int HaltedTicks { get; init; }

    /// <summary>Trades executed during halted ticks (0 when the exchange enforces the halt).</summary>
    public long TradesDuringHalts { get; init; }

    /// <summary>Orders the exchange rejected because trading was halted.</summary>
    public long OrdersRejectedInHalts { get; init; }

    /// <summary>Flash crashes detected.</summary>
    public int FlashCrashes { get; init; }

    /// <summary>Ticks flagged as herding.</summary>
    public int HerdingTicks { get; init; }

    /// <summary>Placements after whose matching the book was crossed, best bid ≥ best ask (always 0).</summary>
    public int CrossedBookEvents { get; init; }

    /// <summary>Total cash at the start and at the end, in cents (equal: trades only move cash).</summary>
    public long CashStartCents { get; init; }

    /// <summary>See <see cref="CashStartCents"/>.</summary>
    public long CashEndCents { get; init; }

    /// <summary>Total shares at the start and at the end (equal).</summary>
    public long SharesStart { get; init; }

    /// <summary>See <see cref="SharesStart"/>.</summary>
    public long SharesEnd { get; init; }

    /// <summary>Accounts that ended with negative cash or shares, or with reservations left over (always 0).</summary>
    public int BadAccounts { get; init; }

    /// <summary>The ids of the stored episodes, in (session, rank) order.</summary>
    public required IReadOnlyList<string> StoredEpisodeIds { get; init; }

    /// <summary>Episodes retrieved by the traders (matches returned over all retrievals).</summary>
    public long EpisodesRetrieved { get; init; }

    /// <summary>Memory operations that failed (the trader carried on without them).</summary>
    public int FailedOperations { get; init; }
}
