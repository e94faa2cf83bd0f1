using AgentDb.Simulation.Scenarios.Market;

namespace AgentDb.Simulation.Tests.Market;

public sealed class ExchangeTests
{
    private static TraderAccount[] Accounts(int n, long cash, long shares)
    {
        var accounts = new TraderAccount[n];
        for (int i = 0; i < n; i++)
        {
            accounts[i] = new TraderAccount(cash, shares);
        }
        return accounts;
    }

    [Fact]
    public void AFillMovesCashAndSharesAndReleasesTheReservation()
    {
        var accounts = Accounts(2, cash: 10_000, shares: 10);
        var exchange = new Exchange(accounts, 100, orderLifetimeTicks: 5);

        Assert.Equal(0, exchange.Place(0, OrderSide.Sell, 100, 4, tick: 0));
        Assert.Equal(4, accounts[0].ReservedShares);
        Assert.Equal(4, exchange.Place(1, OrderSide.Buy, 105, 4, tick: 0));

        Assert.Equal(10_400, accounts[0].CashCents);
        Assert.Equal(6, accounts[0].Shares);
        Assert.Equal(0, accounts[0].ReservedShares);
        Assert.Equal(9_600, accounts[1].CashCents);
        Assert.Equal(14, accounts[1].Shares);
        Assert.Equal(0, accounts[1].ReservedCashCents);
        Assert.Equal(100, exchange.LastPriceCents);
    }

    [Fact]
    public void OrdersAreTrimmedToWhatTheTraderCanPayOrDeliver()
    {
        var accounts = Accounts(1, cash: 250, shares: 3);
        var exchange = new Exchange(accounts, 100, orderLifetimeTicks: 5);

        Assert.Equal(0, exchange.Place(0, OrderSide.Buy, 100, 10, 0));
        Assert.Equal(200, accounts[0].ReservedCashCents);
        Assert.Equal(-1, exchange.Place(0, OrderSide.Buy, 100, 1, 0));
        Assert.Equal(0, exchange.Place(0, OrderSide.Sell, 101, 10, 0));
        Assert.Equal(3, accounts[0].ReservedShares);
        Assert.Equal(-1, exchange.Place(0, OrderSide.Sell, 101, 1, 0));
    }

    [Fact]
    public void AHaltedExchangeAcceptsNothing()
    {
        var accounts = Accounts(2, cash: 10_000, shares: 10);
        var exchange = new Exchange(accounts, 100, orderLifetimeTicks: 5);
        exchange.Place(0, OrderSide.Sell, 100, 4, 0);
        exchange.Halted = true;
        Assert.Equal(-1, exchange.Place(1, OrderSide.Buy, 100, 4, 0));
        Assert.Equal(0, exchange.TradeCount);
        exchange.Halted = false;
        Assert.Equal(4, exchange.Place(1, OrderSide.Buy, 100, 4, 0));
    }

    [Fact]
    public void RandomTradingConservesCashAndSharesAndNeverOverdraws()
    {
        var random = new Random(5);
        var accounts = Accounts(50, cash: 50_000, shares: 40);
        var exchange = new Exchange(accounts, 1_000, orderLifetimeTicks: 3);
        long cash = exchange.TotalCashCents();
        long shares = exchange.TotalShares();
        for (int tick = 0; tick < 400; tick++)
        {
            for (int k = 0; k < 30; k++)
            {
                var side = random.Next(2) == 0 ? OrderSide.Buy : OrderSide.Sell;
                exchange.Place(random.Next(50), side, random.Next(980, 1020), random.Next(1, 15), tick);
                Assert.False(exchange.Book.IsCrossed);
            }
            exchange.ExpireOrders(tick);
            if (tick % 97 == 96)
            {
                exchange.CancelAll();
            }
            Assert.Equal(cash, exchange.TotalCashCents());
            Assert.Equal(shares, exchange.TotalShares());
        }
        Assert.True(exchange.TradeCount > 100);
        exchange.CancelAll();
        foreach (var a in accounts)
        {
            Assert.True(a.CashCents >= 0 && a.Shares >= 0);
            Assert.Equal(0, a.ReservedCashCents);
            Assert.Equal(0, a.ReservedShares);
        }
    }

    [Fact]
    public void OrdersExpireAfterTheirLifetime()
    {
        var accounts = Accounts(1, cash: 10_000, shares: 10);
        var exchange = new Exchange(accounts, 100, orderLifetimeTicks: 2);
        exchange.Place(0, OrderSide.Buy, 90, 1, tick: 0);
        exchange.Place(0, OrderSide.Buy, 91, 1, tick: 1);
        Assert.Equal(0, exchange.ExpireOrders(1));
        Assert.Equal(1, exchange.ExpireOrders(2));
        Assert.True(exchange.Book.TryGetBestBid(out long bid));
        Assert.Equal(91, bid);
        Assert.Equal(91, accounts[0].ReservedCashCents);
    }
}
