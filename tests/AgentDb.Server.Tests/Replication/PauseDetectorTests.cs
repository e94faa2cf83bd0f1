using System.Diagnostics;
using AgentDb.Failover;

namespace AgentDb.Server.Tests.Replication;

/// <summary>The monotonic-clock pause check that keeps a resumed primary from trusting a lease token its timer has not cancelled yet.</summary>
public sealed class PauseDetectorTests
{
    private static readonly long s_ms = Stopwatch.Frequency / 1000;

    [Fact]
    public void RegularTicks_AreNoPause()
    {
        var detector = new PauseDetector(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(300), now: 0);
        for (long t = 10; t <= 1000; t += 10)
        {
            Assert.Equal(TimeSpan.Zero, detector.Observe(t * s_ms));
            Assert.False(detector.IsPaused((t + 5) * s_ms));
        }
        Assert.Equal(0, detector.Pauses);
    }

    [Fact]
    public void NoTickSinceTheThreshold_IsAPause_BeforeTheTickerRuns()
    {
        var detector = new PauseDetector(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(300), now: 0);
        Assert.False(detector.IsPaused(50 * s_ms));
        Assert.True(detector.IsPaused(51 * s_ms)); // resumed: the write is checked before the ticker thread ran again
    }

    [Fact]
    public void AGap_FencesForTheFenceTime_ThenClears()
    {
        var detector = new PauseDetector(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(300), now: 0);
        detector.Observe(10 * s_ms);
        var pause = detector.Observe(2010 * s_ms); // SIGSTOP for two seconds
        Assert.Equal(2000, pause.TotalMilliseconds, 1);
        Assert.Equal(1, detector.Pauses);
        for (long t = 2020; t < 2310; t += 10)
        {
            detector.Observe(t * s_ms);
            Assert.True(detector.IsPaused(t * s_ms), $"still fenced at {t} ms");
        }
        detector.Observe(2310 * s_ms);
        Assert.False(detector.IsPaused(2311 * s_ms));
    }

    [Fact]
    public void AGapAtTheThreshold_IsNoPause_JustAboveIs()
    {
        var detector = new PauseDetector(TimeSpan.FromMilliseconds(50), TimeSpan.Zero, now: 0);
        Assert.Equal(TimeSpan.Zero, detector.Observe(50 * s_ms));
        Assert.NotEqual(TimeSpan.Zero, detector.Observe(101 * s_ms));
    }
}
