namespace AgentDb.Simulation.Scenarios.Market;

/// <summary>A limit order in an <see cref="OrderBook"/>. <see cref="Quantity"/> is what remains unfilled.</summary>
internal sealed class LimitOrder
{
    /// <summary>Creates an order.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The price or quantity is not positive.</exception>
    public LimitOrder(long id, int traderId, OrderSide side, long priceCents, int quantity, int tick)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(priceCents, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(quantity, 1);
        Id = id;
        TraderId = traderId;
        Side = side;
        PriceCents = priceCents;
        Quantity = quantity;
        Tick = tick;
    }

    /// <summary>The order's id (increasing with arrival: time priority).</summary>
    public long Id { get; }

    /// <summary>The trader who placed it.</summary>
    public int TraderId { get; }

    /// <summary>Buy or sell.</summary>
    public OrderSide Side { get; }

    /// <summary>The limit price in cents.</summary>
    public long PriceCents { get; }

    /// <summary>The unfilled quantity (shares).</summary>
    public int Quantity { get; internal set; }

    /// <summary>The tick at which it was placed.</summary>
    public int Tick { get; }

    /// <summary>Its node in the price level's queue while it rests in the book.</summary>
    internal LinkedListNode<LimitOrder>? Node { get; set; }
}
