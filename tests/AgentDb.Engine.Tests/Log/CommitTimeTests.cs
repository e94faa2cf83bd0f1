using AgentDb.Engine.Tests.Support;
using AgentDb.Log;
using static AgentDb.Engine.Tests.Log.WalTestHelpers;

namespace AgentDb.Engine.Tests.Log;

/// <summary>
/// <see cref="FasterLogWriteAheadLog.TryGetCommitTime"/> and the ring behind it: which commit covered an LSN and when,
/// for replication lag measured from the primary's commit.
/// </summary>
public sealed class CommitTimeTests
{
    [Fact]
    public void EachLsn_MapsToTheFirstCommitThatCoveredIt()
    {
        using var dir = new TempDirectory();
        using var log = FasterLogWriteAheadLog.Open(dir.Path, Options());
        long before = UnixMicrosNow();
        log.Append(Payload(1));
        log.Append(Payload(2));
        log.ForceCommit(); // commit A: LSNs 1–2
        log.Append(Payload(3));
        log.ForceCommit(); // commit B: LSN 3
        long after = UnixMicrosNow();

        Assert.True(log.TryGetCommitTime(1, out long lsnA, out long atA));
        Assert.True(log.TryGetCommitTime(2, out long lsnA2, out long atA2));
        Assert.True(log.TryGetCommitTime(3, out long lsnB, out long atB));
        Assert.Equal(2, lsnA);
        Assert.Equal((2L, atA), (lsnA2, atA2));
        Assert.Equal(3, lsnB);
        Assert.InRange(atA, before, after);
        Assert.InRange(atB, atA, after);
        Assert.False(log.TryGetCommitTime(4, out _, out _)); // not appended, not committed
    }

    [Fact]
    public void EntriesRecoveredAtOpen_HaveNoCommitTime()
    {
        using var dir = new TempDirectory();
        using (var log = FasterLogWriteAheadLog.Open(dir.Path, Options()))
        {
            log.Append(Payload(1));
            log.ForceCommit();
        }

        using (var log = FasterLogWriteAheadLog.Open(dir.Path, Options()))
        {
            Assert.False(log.TryGetCommitTime(1, out _, out _)); // committed by an earlier process: its time is unknown
            log.Append(Payload(2));
            log.ForceCommit();
            Assert.True(log.TryGetCommitTime(2, out long lsn, out _));
            Assert.Equal(2, lsn);
        }
    }

    [Fact]
    public void AfterTheRingWraps_OnlyTheRememberedCommitsAnswer()
    {
        var signal = new CommitSignal(0);
        int commits = CommitSignal.TimeRingSize + 10;
        for (long lsn = 1; lsn <= commits; lsn++)
        {
            signal.Advance(lsn * 2); // each commit covers two LSNs
        }

        long oldestRemembered = 2L * (commits - CommitSignal.TimeRingSize + 1);
        Assert.False(signal.TryGetCommitTime(1, out _, out _));
        Assert.False(signal.TryGetCommitTime(oldestRemembered, out _, out _)); // which commit covered it is forgotten
        Assert.True(signal.TryGetCommitTime(oldestRemembered + 1, out long covering, out _));
        Assert.Equal(oldestRemembered + 2, covering);
        Assert.True(signal.TryGetCommitTime(2L * commits, out long last, out _));
        Assert.Equal(2L * commits, last);
        Assert.False(signal.TryGetCommitTime((2L * commits) + 1, out _, out _));
    }

    private static long UnixMicrosNow() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond;
}
