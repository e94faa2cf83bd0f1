using AgentDb.Engine.Tests.Support;
using AgentDb.Kernels;
using AgentDb.Log;
using static AgentDb.Engine.Tests.Storage.DatabaseTestHelpers;

namespace AgentDb.Engine.Tests.Storage;

/// <summary>The database's write-ahead log as a feed: <see cref="AgentDatabase.ReadLog"/> and <see cref="AgentDatabase.RegisterLogReader"/>.</summary>
public sealed class LogFeedTests
{
    [Fact]
    public async Task ReadLog_ReturnsEveryCommittedEntry_InLsnOrder()
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options());
        db.CreateCollection("c", 4, DistanceMetric.L2Squared);
        var lsns = new List<long>();
        for (int i = 0; i < 20; i++)
        {
            lsns.Add(db.Upsert("c", $"r{i}", Payload("n", "s"), Vector(4, i)));
        }

        var read = new List<LogRecord>();
        await foreach (LogRecord record in db.ReadLog(lsns[5]))
        {
            read.Add(record);
        }

        Assert.Equal(lsns.Skip(5), read.Select(r => r.Lsn));
        Assert.All(read, r => Assert.False(r.Payload.IsEmpty));
    }

    [Fact]
    public async Task Checkpoint_NeverTruncatesPastARegisteredReader_AndDoesOnceItAdvances()
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options());
        db.CreateCollection("c", 4, DistanceMetric.L2Squared);
        long first = db.Upsert("c", "r0", Payload("n", "s"), Vector(4, 0));
        using LogReaderRegistration reader = db.RegisterLogReader("replica-1", first);
        long last = first;
        for (int i = 1; i < 50; i++)
        {
            last = db.Upsert("c", $"r{i}", Payload("n", "s"), Vector(4, i));
        }

        db.Checkpoint();
        Assert.True(db.GetStats().FirstLogLsn <= first, $"the log was truncated to {db.GetStats().FirstLogLsn}, past the reader at {first}");
        int count = 0;
        await foreach (LogRecord record in db.ReadLog(first))
        {
            Assert.Equal(first + count, record.Lsn);
            count++;
        }

        Assert.Equal(last - first + 1, count);

        reader.Advance(last + 1);
        db.Checkpoint();
        long firstAfter = db.GetStats().FirstLogLsn;
        Assert.True(firstAfter > first, "the advanced reader still held the log back");
        Assert.True(firstAfter <= db.GetStats().AppliedLsn + 1, "truncation passed the checkpointed LSN");
    }

    [Fact]
    public async Task ReadLog_Following_DeliversCommitsMadeAfterItStarted()
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options());
        db.CreateCollection("c", 4, DistanceMetric.L2Squared);
        long start = db.GetStats().AppliedLsn + 1;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // a hang fails, it does not measure speed
        var seen = new List<long>();
        Task reader = Task.Run(async () =>
        {
            await foreach (LogRecord record in db.ReadLog(start, follow: true, deadline.Token))
            {
                seen.Add(record.Lsn);
                if (seen.Count == 3)
                {
                    return;
                }
            }
        });

        var written = new List<long>();
        for (int i = 0; i < 3; i++)
        {
            written.Add(await db.UpsertAsync("c", $"r{i}", Payload("n", "s"), Vector(4, i)));
        }

        await reader.WaitAsync(deadline.Token);
        Assert.Equal(written, seen);
    }

    [Fact]
    public void RegisterLogReader_TwiceUnderOneName_Throws()
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options());
        using LogReaderRegistration reader = db.RegisterLogReader("backup", 1);
        Assert.Throws<ArgumentException>(() => db.RegisterLogReader("backup", 1));
    }
}
