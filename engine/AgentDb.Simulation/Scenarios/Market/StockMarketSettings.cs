namespace AgentDb.Simulation.Scenarios.Market;

/// <summary>The parameters of the stock-market simulation (the defaults are the scenario's; tests change them).</summary>
internal sealed record StockMarketSettings
{
    /// <summary>Ticks in one trading session (one iteration).</summary>
    public int TicksPerSession { get; init; } = 50;

    /// <summary>The opening price, in cents.</summary>
    public long InitialPriceCents { get; init; } = 10_000;

    /// <summary>Each trader's starting cash, in cents.</summary>
    public long InitialCashCents { get; init; } = 1_000_000;

    /// <summary>Each trader's starting shares.</summary>
    public long InitialShares { get; init; } = 100;

    /// <summary>Ticks an order rests before it expires.</summary>
    public int OrderLifetimeTicks { get; init; } = 3;

    /// <summary>The move (fraction) within <see cref="BreakerWindowTicks"/> that halts trading.</summary>
    public double BreakerThreshold { get; init; } = 0.05;

    /// <summary>The circuit breaker's window.</summary>
    public int BreakerWindowTicks { get; init; } = 10;

    /// <summary>Ticks a halt lasts.</summary>
    public int HaltTicks { get; init; } = 5;

    /// <summary>The fall (fraction of the window's high) that counts as a flash crash.</summary>
    public double FlashCrashDrop { get; init; } = 0.03;

    /// <summary>The flash-crash window.</summary>
    public int FlashCrashWindowTicks { get; init; } = 5;

    /// <summary>The fraction of traders on one side above which a tick counts as herding.</summary>
    public double HerdingThreshold { get; init; } = 0.6;

    /// <summary>The standard deviation of the fundamental value's log change per tick.</summary>
    public double FundamentalVolatility { get; init; } = 0.002;

    /// <summary>The chance per tick of a news shock to the fundamental value.</summary>
    public double ShockProbability { get; init; } = 0.01;

    /// <summary>The size of a news shock (a fraction of the fundamental value, down or up).</summary>
    public double ShockSize { get; init; } = 0.08;

    /// <summary>The fraction of traders (the best by session P&amp;L) whose episodes are stored each session.</summary>
    public double BestTraderFraction { get; init; } = 0.2;

    /// <summary>Episodes a trader retrieves at the start of a session.</summary>
    public int RetrievedEpisodes { get; init; } = 5;
}
