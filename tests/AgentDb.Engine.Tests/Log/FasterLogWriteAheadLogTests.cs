using AgentDb.Engine.Tests.Support;
using AgentDb.Log;
using static AgentDb.Engine.Tests.Log.WalTestHelpers;

namespace AgentDb.Engine.Tests.Log;

public sealed class FasterLogWriteAheadLogTests
{
    [Fact]
    public void DurabilityMode_PersistedValues_NeverChange()
    {
        Assert.Equal(0, (int)DurabilityMode.Sync);
        Assert.Equal(1, (int)DurabilityMode.Group);
        Assert.Equal(2, (int)DurabilityMode.None);
        Assert.Equal(3, Enum.GetValues<DurabilityMode>().Length);
    }

    [Fact]
    public void Append_AssignsConsecutiveLsns_AndReadFromReturnsThePayloads()
    {
        using var dir = new TempDirectory();
        using var log = FasterLogWriteAheadLog.Open(dir.Path, Options());
        for (long i = 1; i <= 200; i++)
        {
            Assert.Equal(i, log.Append(Payload(i)));
        }

        log.Commit(200);
        Assert.Equal(200, log.CommittedLsn);
        List<LogRecord> records = ReadAll(log);
        Assert.Equal(200, records.Count);
        for (int i = 0; i < records.Count; i++)
        {
            Assert.Equal(i + 1, records[i].Lsn);
            AssertPayload(i + 1, records[i]);
        }

        List<LogRecord> tail = ReadAll(log, 150);
        Assert.Equal(51, tail.Count);
        Assert.Equal(150, tail[0].Lsn);
    }

    [Fact]
    public void Reopen_RecoversCommittedEntries_AndContinuesTheLsnSequence()
    {
        using var dir = new TempDirectory();
        using (var log = FasterLogWriteAheadLog.Open(dir.Path, Options()))
        {
            for (long i = 1; i <= 100; i++)
            {
                log.Append(Payload(i));
            }

            log.Commit(100);
        }

        var warnings = new List<string>();
        using (var log = FasterLogWriteAheadLog.Open(dir.Path, Options(warning: warnings.Add)))
        {
            Assert.Empty(warnings);
            Assert.Equal(1, log.FirstLsn);
            Assert.Equal(100, log.LastLsn);
            Assert.Equal(100, log.CommittedLsn);
            Assert.Equal(101, log.Append(Payload(101)));
            log.Commit(101);
            List<LogRecord> records = ReadAll(log);
            Assert.Equal(101, records.Count);
            AssertPayload(101, records[^1]);
        }
    }

    [Fact]
    public async Task CommitAsync_InSyncMode_IsDurableWhenItReturns()
    {
        using var dir = new TempDirectory();
        using var log = FasterLogWriteAheadLog.Open(dir.Path, Options(DurabilityMode.Sync));
        long lsn = log.Append(Payload(1));
        await log.CommitAsync(lsn);
        Assert.True(log.CommittedLsn >= lsn);
    }

    [Fact]
    public async Task CommitAsync_InGroupMode_WaitsForTheBackgroundCommit()
    {
        using var dir = new TempDirectory();
        using var log = FasterLogWriteAheadLog.Open(dir.Path, Options(DurabilityMode.Group));
        var tasks = new List<Task>();
        long last = 0;
        for (int i = 1; i <= 50; i++)
        {
            last = log.Append(Payload(i));
            tasks.Add(log.CommitAsync(last).AsTask());
        }

        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(log.CommittedLsn >= last);
    }

    [Fact]
    public async Task Commit_InNoneMode_ReturnsAtOnce_AndWaitForCommitStillCompletes()
    {
        using var dir = new TempDirectory();
        using var log = FasterLogWriteAheadLog.Open(dir.Path, Options(DurabilityMode.None));
        long lsn = log.Append(Payload(1));
        log.Commit(lsn); // does not wait
        await log.WaitForCommitAsync(lsn).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(log.CommittedLsn >= lsn);
    }

    [Fact]
    public void Commit_OfAnLsnNotYetAppended_Throws()
    {
        using var dir = new TempDirectory();
        using var log = FasterLogWriteAheadLog.Open(dir.Path, Options());
        log.Append(Payload(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => log.Commit(5));
    }

    [Fact]
    public async Task ReadFrom_Following_YieldsEntriesCommittedLater()
    {
        using var dir = new TempDirectory();
        using var log = FasterLogWriteAheadLog.Open(dir.Path, Options(DurabilityMode.Group));
        log.Append(Payload(1));
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = new List<long>();
        Task reader = Task.Run(async () =>
        {
            await foreach (LogRecord record in log.ReadFrom(1, follow: true, cancel.Token))
            {
                seen.Add(record.Lsn);
                if (record.Lsn == 5)
                {
                    return;
                }
            }
        });

        for (int i = 2; i <= 5; i++)
        {
            await Task.Delay(5);
            log.Append(Payload(i));
        }

        await reader.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(new long[] { 1, 2, 3, 4, 5 }, seen);
    }

    [Fact]
    public void TruncateBelow_StopsAtRegisteredReaders_AndMovesOnWhenTheyAdvance()
    {
        using var dir = new TempDirectory();
        using var log = FasterLogWriteAheadLog.Open(dir.Path, Options());
        for (int i = 1; i <= 100; i++)
        {
            log.Append(Payload(i));
        }

        log.Commit(100);
        using LogReaderRegistration replica = log.RegisterReader("replica", 30);
        Assert.Throws<ArgumentException>(() => log.RegisterReader("replica", 1));

        Assert.Equal(30, log.TruncateBelow(80));
        Assert.Equal(30, ReadAll(log)[0].Lsn);

        replica.Advance(60);
        replica.Advance(40); // never backwards
        Assert.Equal(60, replica.Position);
        Assert.Equal(60, log.TruncateBelow(80));

        replica.Dispose();
        Assert.Equal(80, log.TruncateBelow(80));
        List<LogRecord> rest = ReadAll(log);
        Assert.Equal(80, rest[0].Lsn);
        Assert.Equal(21, rest.Count);
    }

    [Fact]
    public void TruncateBelow_IsPersistedAcrossReopen()
    {
        using var dir = new TempDirectory();
        using (var log = FasterLogWriteAheadLog.Open(dir.Path, Options()))
        {
            for (int i = 1; i <= 100; i++)
            {
                log.Append(Payload(i));
            }

            log.Commit(100);
            log.TruncateBelow(50);
            log.Append(Payload(101));
            log.Commit(101);
        }

        using (var log = FasterLogWriteAheadLog.Open(dir.Path, Options()))
        {
            Assert.Equal(50, log.FirstLsn);
            Assert.Equal(101, log.LastLsn);
            Assert.Equal(52, ReadAll(log).Count);
        }
    }

    [Fact]
    public void MinimumNextLsn_AboveTheLog_JumpsAndTheChainStillRecovers()
    {
        using var dir = new TempDirectory();
        using (var log = FasterLogWriteAheadLog.Open(dir.Path, Options()))
        {
            for (int i = 1; i <= 3; i++)
            {
                log.Append(Payload(i));
            }

            log.Commit(3);
        }

        using (var log = FasterLogWriteAheadLog.Open(dir.Path, Options(minimumNextLsn: 10)))
        {
            Assert.Equal(10, log.Append(Payload(10)));
            log.Commit(10);
        }

        var warnings = new List<string>();
        using (var log = FasterLogWriteAheadLog.Open(dir.Path, Options(warning: warnings.Add)))
        {
            Assert.Empty(warnings);
            Assert.Equal(new long[] { 1, 2, 3, 10 }, ReadAll(log).Select(r => r.Lsn).ToArray());
            Assert.Equal(new long[] { 10 }, ReadAll(log, 4).Select(r => r.Lsn).ToArray());
        }
    }

    [Fact]
    public void Append_PayloadLargerThanAPage_ThrowsArgumentException()
    {
        using var dir = new TempDirectory();
        using var log = FasterLogWriteAheadLog.Open(dir.Path, Options());
        Assert.Throws<ArgumentException>(() => log.Append(new byte[log.MaxPayloadBytes + 1]));
        Assert.Equal(1, log.Append(new byte[log.MaxPayloadBytes]));
    }

    [Fact]
    public void Append_AfterDispose_ThrowsObjectDisposed()
    {
        using var dir = new TempDirectory();
        var log = FasterLogWriteAheadLog.Open(dir.Path, Options());
        log.Dispose();
        Assert.Throws<ObjectDisposedException>(() => log.Append(Payload(1)));
    }

    [Fact]
    public async Task ConcurrentAppenders_InSyncMode_AllRecordsRecovered()
    {
        using var dir = new TempDirectory();
        using (var log = FasterLogWriteAheadLog.Open(dir.Path, Options(DurabilityMode.Sync)))
        {
            Task[] writers = new Task[4];
            for (int w = 0; w < writers.Length; w++)
            {
                writers[w] = Task.Run(async () =>
                {
                    for (int i = 0; i < 50; i++)
                    {
                        long lsn = log.Append(Payload(i));
                        await log.CommitAsync(lsn);
                        Assert.True(log.CommittedLsn >= lsn);
                    }
                });
            }

            await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(30));
        }

        using (var log = FasterLogWriteAheadLog.Open(dir.Path, Options()))
        {
            List<LogRecord> records = ReadAll(log);
            Assert.Equal(200, records.Count);
            Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), records.Select(r => r.Lsn));
        }
    }
}
