namespace AgentDb.Simulation.Scenarios.Market;

/// <summary>The trading strategies of the stock-market scenario (trader i follows strategy i mod 5).</summary>
internal enum TradingStrategy
{
    /// <summary>Buys after rises and sells after falls.</summary>
    Momentum = 0,

    /// <summary>Buys below the fundamental value and sells above it.</summary>
    Value = 1,

    /// <summary>Bets on reversals of short moves.</summary>
    Contrarian = 2,

    /// <summary>Quotes passively inside the spread every tick, leaning against its inventory.</summary>
    HighFrequency = 3,

    /// <summary>Rebalances slowly toward a fixed share of its wealth in the stock.</summary>
    Index = 4,
}
