namespace AgentDb.Simulation.Scenarios.Market;

/// <summary>
/// A limit order book with price-time priority. Each side keeps its price levels in a sorted set (best price in
/// O(log levels), no allocation) and each level a FIFO queue of orders; an incoming order matches against the best
/// opposite levels while it crosses, at the resting order's price, and its remainder rests. Placing an order costs
/// O(log levels + fills) and cancelling one O(log levels): matching is never quadratic in the number of traders. Not
/// thread-safe (one market thread).
/// </summary>
internal sealed class OrderBook
{
    private readonly SortedSet<long> _bidPrices = [];
    private readonly SortedSet<long> _askPrices = [];
    private readonly Dictionary<long, LinkedList<LimitOrder>> _bids = [];
    private readonly Dictionary<long, LinkedList<LimitOrder>> _asks = [];
    private readonly Dictionary<long, LimitOrder> _resting = [];

    /// <summary>Orders resting in the book.</summary>
    public int RestingCount => _resting.Count;

    /// <summary>Whether both sides have orders and the best bid is at or above the best ask (never after matching).</summary>
    public bool IsCrossed => _bidPrices.Count > 0 && _askPrices.Count > 0 && _bidPrices.Max >= _askPrices.Min;

    /// <summary>The highest bid price, if any.</summary>
    public bool TryGetBestBid(out long priceCents)
    {
        priceCents = _bidPrices.Count > 0 ? _bidPrices.Max : 0;
        return _bidPrices.Count > 0;
    }

    /// <summary>The lowest ask price, if any.</summary>
    public bool TryGetBestAsk(out long priceCents)
    {
        priceCents = _askPrices.Count > 0 ? _askPrices.Min : 0;
        return _askPrices.Count > 0;
    }

    /// <summary>Shares resting at <paramref name="priceCents"/> on <paramref name="side"/>.</summary>
    public long DepthAt(OrderSide side, long priceCents)
    {
        var levels = side == OrderSide.Buy ? _bids : _asks;
        long total = 0;
        if (levels.TryGetValue(priceCents, out var level))
        {
            foreach (var order in level)
            {
                total += order.Quantity;
            }
        }
        return total;
    }

    /// <summary>Whether the order with <paramref name="orderId"/> rests in the book.</summary>
    public bool Contains(long orderId) => _resting.ContainsKey(orderId);

    /// <summary>
    /// Matches <paramref name="order"/> against the opposite side (best price first, then earliest order), appends the
    /// fills to <paramref name="trades"/>, and rests what remains (which then no longer crosses).
    /// </summary>
    /// <exception cref="ArgumentException">An order with the same id rests in the book already.</exception>
    public void Submit(LimitOrder order, List<Trade> trades)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(trades);
        if (_resting.ContainsKey(order.Id))
        {
            throw new ArgumentException($"Order {order.Id} is already in the book.", nameof(order));
        }

        bool buy = order.Side == OrderSide.Buy;
        var oppositePrices = buy ? _askPrices : _bidPrices;
        var oppositeLevels = buy ? _asks : _bids;
        while (order.Quantity > 0 && oppositePrices.Count > 0)
        {
            long best = buy ? oppositePrices.Min : oppositePrices.Max;
            if (buy ? best > order.PriceCents : best < order.PriceCents)
            {
                break;
            }
            var level = oppositeLevels[best];
            while (order.Quantity > 0 && level.First is { } node)
            {
                var resting = node.Value;
                int quantity = Math.Min(order.Quantity, resting.Quantity);
                trades.Add(buy
                    ? new Trade(order.TraderId, resting.TraderId, best, quantity, order.PriceCents)
                    : new Trade(resting.TraderId, order.TraderId, best, quantity, best));
                order.Quantity -= quantity;
                resting.Quantity -= quantity;
                if (resting.Quantity == 0)
                {
                    level.RemoveFirst();
                    resting.Node = null;
                    _resting.Remove(resting.Id);
                }
            }
            if (level.Count == 0)
            {
                oppositeLevels.Remove(best);
                oppositePrices.Remove(best);
            }
        }

        if (order.Quantity > 0)
        {
            var prices = buy ? _bidPrices : _askPrices;
            var levels = buy ? _bids : _asks;
            if (!levels.TryGetValue(order.PriceCents, out var level))
            {
                level = new LinkedList<LimitOrder>();
                levels.Add(order.PriceCents, level);
                prices.Add(order.PriceCents);
            }
            order.Node = level.AddLast(order);
            _resting.Add(order.Id, order);
        }
    }

    /// <summary>Removes a resting order and returns it (with its unfilled quantity), or null when it is not in the book.</summary>
    public LimitOrder? Cancel(long orderId)
    {
        if (!_resting.Remove(orderId, out var order))
        {
            return null;
        }
        bool buy = order.Side == OrderSide.Buy;
        var levels = buy ? _bids : _asks;
        var level = levels[order.PriceCents];
        level.Remove(order.Node!);
        order.Node = null;
        if (level.Count == 0)
        {
            levels.Remove(order.PriceCents);
            (buy ? _bidPrices : _askPrices).Remove(order.PriceCents);
        }
        return order;
    }

    /// <summary>Removes every resting order, appending them to <paramref name="cancelled"/> in id order.</summary>
    public void CancelAll(List<LimitOrder> cancelled)
    {
        ArgumentNullException.ThrowIfNull(cancelled);
        int start = cancelled.Count;
        foreach (var order in _resting.Values)
        {
            order.Node = null;
            cancelled.Add(order);
        }
        cancelled.Sort(start, cancelled.Count - start, Comparer<LimitOrder>.Create(static (a, b) => a.Id.CompareTo(b.Id)));
        _resting.Clear();
        _bids.Clear();
        _asks.Clear();
        _bidPrices.Clear();
        _askPrices.Clear();
    }
}
