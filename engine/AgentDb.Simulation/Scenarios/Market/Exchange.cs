namespace AgentDb.Simulation.Scenarios.Market;

/// <summary>
/// The order book together with the traders' accounts: an order is accepted only when the trader can pay for it (a buy
/// reserves limit × quantity of cash) or deliver it (a sell reserves the shares; no short selling), every fill moves
/// cash and shares between the two accounts, and a cancelled or expired order releases its reservation. So the total
/// cash and the total shares never change, and no account goes negative. Orders expire
/// <see cref="OrderLifetimeTicks"/> ticks after they were placed. Not thread-safe (one market thread).
/// </summary>
internal sealed class Exchange
{
    private readonly OrderBook _book = new();
    private readonly TraderAccount[] _accounts;
    private readonly Queue<LimitOrder> _byAge = new();
    private readonly List<Trade> _fills = [];
    private readonly List<LimitOrder> _cancelled = [];
    private long _nextOrderId = 1;

    /// <summary>Creates an exchange over <paramref name="accounts"/> (indexed by trader id).</summary>
    public Exchange(TraderAccount[] accounts, long initialPriceCents, int orderLifetimeTicks)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        ArgumentOutOfRangeException.ThrowIfLessThan(initialPriceCents, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(orderLifetimeTicks, 1);
        _accounts = accounts;
        LastPriceCents = initialPriceCents;
        OrderLifetimeTicks = orderLifetimeTicks;
    }

    /// <summary>The book.</summary>
    public OrderBook Book => _book;

    /// <summary>The accounts, by trader id.</summary>
    public IReadOnlyList<TraderAccount> Accounts => _accounts;

    /// <summary>The price of the last trade (the initial price before any).</summary>
    public long LastPriceCents { get; private set; }

    /// <summary>Ticks an order rests before it expires.</summary>
    public int OrderLifetimeTicks { get; }

    /// <summary>Whether trading is halted: <see cref="Place"/> accepts nothing while it is.</summary>
    public bool Halted { get; set; }

    /// <summary>Trades executed so far.</summary>
    public long TradeCount { get; private set; }

    /// <summary>Shares traded so far.</summary>
    public long Volume { get; private set; }

    /// <summary>
    /// Places an order for <paramref name="traderId"/>, trimming the quantity to what the trader can pay for or deliver;
    /// matches it and settles the fills. Returns the shares filled, or -1 when nothing could be placed (trading halted, or
    /// nothing affordable).
    /// </summary>
    public int Place(int traderId, OrderSide side, long limitCents, int quantity, int tick)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limitCents, 1);
        if (Halted)
        {
            return -1;
        }
        var account = _accounts[traderId];
        long affordable = side == OrderSide.Buy ? account.AvailableCashCents / limitCents : account.AvailableShares;
        int size = (int)Math.Min(quantity, affordable);
        if (size <= 0)
        {
            return -1;
        }

        if (side == OrderSide.Buy)
        {
            account.ReservedCashCents += limitCents * size;
        }
        else
        {
            account.ReservedShares += size;
        }

        var order = new LimitOrder(_nextOrderId++, traderId, side, limitCents, size, tick);
        _fills.Clear();
        _book.Submit(order, _fills);
        int filled = 0;
        foreach (var fill in _fills)
        {
            Settle(fill);
            filled += fill.Quantity;
        }
        if (order.Quantity > 0)
        {
            _byAge.Enqueue(order);
        }
        return filled;
    }

    /// <summary>Cancels the orders placed at or before <paramref name="tick"/> − <see cref="OrderLifetimeTicks"/>;
    /// returns how many were still resting.</summary>
    public int ExpireOrders(int tick)
    {
        int expired = 0;
        while (_byAge.TryPeek(out var oldest) && oldest.Tick <= tick - OrderLifetimeTicks)
        {
            _byAge.Dequeue();
            if (_book.Cancel(oldest.Id) is { } order)
            {
                Release(order);
                expired++;
            }
        }
        return expired;
    }

    /// <summary>Cancels every resting order (a trading halt); returns how many.</summary>
    public int CancelAll()
    {
        _cancelled.Clear();
        _book.CancelAll(_cancelled);
        foreach (var order in _cancelled)
        {
            Release(order);
        }
        _byAge.Clear();
        return _cancelled.Count;
    }

    /// <summary>The sum of every account's cash, in cents.</summary>
    public long TotalCashCents()
    {
        long total = 0;
        foreach (var a in _accounts)
        {
            total += a.CashCents;
        }
        return total;
    }

    /// <summary>The sum of every account's shares.</summary>
    public long TotalShares()
    {
        long total = 0;
        foreach (var a in _accounts)
        {
            total += a.Shares;
        }
        return total;
    }

    private void Settle(Trade fill)
    {
        long notional = fill.PriceCents * fill.Quantity;
        var buyer = _accounts[fill.BuyerId];
        var seller = _accounts[fill.SellerId];
        buyer.ReservedCashCents -= fill.BuyLimitCents * fill.Quantity;
        buyer.CashCents -= notional;
        buyer.Shares += fill.Quantity;
        seller.ReservedShares -= fill.Quantity;
        seller.Shares -= fill.Quantity;
        seller.CashCents += notional;
        LastPriceCents = fill.PriceCents;
        TradeCount++;
        Volume += fill.Quantity;
    }

    private void Release(LimitOrder order)
    {
        var account = _accounts[order.TraderId];
        if (order.Side == OrderSide.Buy)
        {
            account.ReservedCashCents -= order.PriceCents * order.Quantity;
        }
        else
        {
            account.ReservedShares -= order.Quantity;
        }
    }
}
