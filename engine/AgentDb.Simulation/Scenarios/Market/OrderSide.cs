namespace AgentDb.Simulation.Scenarios.Market;

/// <summary>The side of an order.</summary>
internal enum OrderSide : byte
{
    /// <summary>A bid: buys up to its limit price.</summary>
    Buy = 0,

    /// <summary>An ask: sells down to its limit price.</summary>
    Sell = 1,
}
