using AgentDb.Simulation.Scenarios.Market;

namespace AgentDb.Simulation.Tests.Market;

public sealed class OrderBookTests
{
    [Fact]
    public void BetterPriceFillsFirstThenEarlierOrder()
    {
        var book = new OrderBook();
        var trades = new List<Trade>();
        book.Submit(new LimitOrder(1, traderId: 10, OrderSide.Sell, 101, 5, 0), trades);
        book.Submit(new LimitOrder(2, traderId: 11, OrderSide.Sell, 100, 5, 0), trades);
        book.Submit(new LimitOrder(3, traderId: 12, OrderSide.Sell, 100, 5, 0), trades);
        Assert.Empty(trades);

        book.Submit(new LimitOrder(4, traderId: 20, OrderSide.Buy, 101, 12, 1), trades);

        Assert.Equal(3, trades.Count);
        Assert.Equal(new Trade(20, 11, 100, 5, 101), trades[0]);
        Assert.Equal(new Trade(20, 12, 100, 5, 101), trades[1]);
        Assert.Equal(new Trade(20, 10, 101, 2, 101), trades[2]);
        Assert.True(book.TryGetBestAsk(out long ask));
        Assert.Equal(101, ask);
        Assert.Equal(3, book.DepthAt(OrderSide.Sell, 101));
        Assert.False(book.TryGetBestBid(out _));
    }

    [Fact]
    public void AnUnfilledRemainderRestsWithoutCrossing()
    {
        var book = new OrderBook();
        var trades = new List<Trade>();
        book.Submit(new LimitOrder(1, 1, OrderSide.Buy, 99, 3, 0), trades);
        book.Submit(new LimitOrder(2, 2, OrderSide.Sell, 98, 10, 0), trades);

        Assert.Single(trades);
        Assert.Equal(new Trade(1, 2, 99, 3, 99), trades[0]);
        Assert.True(book.TryGetBestAsk(out long ask));
        Assert.Equal(98, ask);
        Assert.Equal(7, book.DepthAt(OrderSide.Sell, 98));
        Assert.False(book.IsCrossed);
    }

    [Fact]
    public void CancelRemovesTheOrderAndItsEmptyLevel()
    {
        var book = new OrderBook();
        var trades = new List<Trade>();
        book.Submit(new LimitOrder(1, 1, OrderSide.Buy, 99, 3, 0), trades);
        book.Submit(new LimitOrder(2, 1, OrderSide.Buy, 98, 3, 0), trades);

        var cancelled = book.Cancel(1);

        Assert.NotNull(cancelled);
        Assert.Equal(3, cancelled.Quantity);
        Assert.Null(book.Cancel(1));
        Assert.True(book.TryGetBestBid(out long bid));
        Assert.Equal(98, bid);
        Assert.Equal(1, book.RestingCount);
        Assert.Throws<ArgumentException>(() => book.Submit(new LimitOrder(2, 1, OrderSide.Buy, 97, 1, 0), trades));
    }

    [Fact]
    public void RandomOrderFlowNeverLeavesTheBookCrossedAndConservesQuantity()
    {
        var random = new Random(99);
        var book = new OrderBook();
        var trades = new List<Trade>();
        var live = new List<long>();
        long submittedBuy = 0;
        long submittedSell = 0;
        long cancelledBuy = 0;
        long cancelledSell = 0;
        for (long id = 1; id <= 20_000; id++)
        {
            var side = random.Next(2) == 0 ? OrderSide.Buy : OrderSide.Sell;
            int quantity = random.Next(1, 20);
            var order = new LimitOrder(id, random.Next(100), side, random.Next(950, 1050), quantity, 0);
            if (side == OrderSide.Buy)
            {
                submittedBuy += quantity;
            }
            else
            {
                submittedSell += quantity;
            }
            book.Submit(order, trades);
            Assert.False(book.IsCrossed);
            if (book.Contains(id))
            {
                live.Add(id);
            }
            if (random.Next(4) == 0 && live.Count > 0)
            {
                int k = random.Next(live.Count);
                if (book.Cancel(live[k]) is { } c)
                {
                    if (c.Side == OrderSide.Buy)
                    {
                        cancelledBuy += c.Quantity;
                    }
                    else
                    {
                        cancelledSell += c.Quantity;
                    }
                }
                live.RemoveAt(k);
            }
        }

        long traded = 0;
        foreach (var t in trades)
        {
            traded += t.Quantity;
        }
        var rest = new List<LimitOrder>();
        book.CancelAll(rest);
        long restingBuy = 0;
        long restingSell = 0;
        foreach (var o in rest)
        {
            if (o.Side == OrderSide.Buy)
            {
                restingBuy += o.Quantity;
            }
            else
            {
                restingSell += o.Quantity;
            }
        }
        Assert.Equal(submittedBuy, traded + cancelledBuy + restingBuy);
        Assert.Equal(submittedSell, traded + cancelledSell + restingSell);
        Assert.Equal(0, book.RestingCount);
        Assert.False(book.TryGetBestBid(out _));
    }
}
