using AgentDb.Simulation.Scenarios.Market;

namespace AgentDb.Simulation.Tests.Market;

public sealed class MarketDetectorTests
{
    [Fact]
    public void HerdingIsFlaggedAboveSixtyPercentOnOneSide()
    {
        var detector = new HerdingDetector(0.6);
        Assert.False(detector.IsHerding(60, 10, 100));
        Assert.True(detector.IsHerding(61, 0, 100));
        Assert.True(detector.IsHerding(5, 70, 100));
        Assert.False(detector.IsHerding(40, 40, 100));

        Assert.True(detector.Observe(61, 0, 100));
        Assert.True(detector.Observe(0, 90, 100));
        Assert.False(detector.Observe(60, 40, 100));
        Assert.Equal(2, detector.HerdingTicks);
        Assert.Equal(1, detector.BuyHerdingTicks);
        Assert.Equal(1, detector.SellHerdingTicks);
        Assert.Throws<ArgumentException>(() => detector.IsHerding(60, 60, 100));
    }

    [Fact]
    public void TheCircuitBreakerHaltsOnAFastMoveForItsHaltTicks()
    {
        var breaker = new CircuitBreaker(threshold: 0.05, windowTicks: 3, haltTicks: 2);
        Assert.False(breaker.Observe(0, 1000));
        Assert.False(breaker.Observe(1, 1040));
        Assert.False(breaker.IsHalted(2));
        Assert.True(breaker.Observe(2, 1060));
        Assert.True(breaker.IsHalted(3));
        Assert.True(breaker.IsHalted(4));
        Assert.False(breaker.IsHalted(5));
        Assert.Equal(1, breaker.Trips);
        // The window starts afresh after the halt.
        Assert.False(breaker.Observe(5, 1060));
    }

    [Fact]
    public void ASlowMoveOutsideTheWindowDoesNotTripTheBreaker()
    {
        var breaker = new CircuitBreaker(threshold: 0.05, windowTicks: 3, haltTicks: 2);
        long price = 1000;
        for (int tick = 0; tick < 30; tick++)
        {
            Assert.False(breaker.Observe(tick, price));
            price += 15;
        }
        Assert.Equal(0, breaker.Trips);
    }

    [Fact]
    public void AFlashCrashIsOneEventPerDrop()
    {
        var detector = new FlashCrashDetector(dropThreshold: 0.05, windowTicks: 4);
        Assert.False(detector.Observe(1000));
        Assert.False(detector.Observe(990));
        Assert.True(detector.Observe(940));
        Assert.False(detector.Observe(930));
        Assert.Equal(1, detector.Events);
        for (int i = 0; i < 4; i++)
        {
            detector.Observe(930);
        }
        Assert.True(detector.Observe(880));
        Assert.Equal(2, detector.Events);
    }

    [Fact]
    public void ASlowDeclineIsNoFlashCrash()
    {
        var detector = new FlashCrashDetector(dropThreshold: 0.05, windowTicks: 4);
        long price = 1000;
        for (int i = 0; i < 50; i++)
        {
            Assert.False(detector.Observe(price));
            price -= 5;
        }
    }
}
