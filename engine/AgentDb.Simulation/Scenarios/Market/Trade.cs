namespace AgentDb.Simulation.Scenarios.Market;

/// <summary>One fill between a buy and a sell order, at the resting order's price.</summary>
/// <param name="BuyerId">The buying trader.</param>
/// <param name="SellerId">The selling trader.</param>
/// <param name="PriceCents">The trade price in cents.</param>
/// <param name="Quantity">Shares traded.</param>
/// <param name="BuyLimitCents">The buy order's limit (what was reserved per share for it).</param>
internal readonly record struct Trade(int BuyerId, int SellerId, long PriceCents, int Quantity, long BuyLimitCents);
