using System.Threading.Channels;
using AgentDb.Kernels;
using AgentDb.Log;
using AgentDb.Server.Replication;

namespace AgentDb.Server.Tests.Replication;

/// <summary>
/// A replica acknowledges to its primary only what its own log commit made durable, although it makes entries visible
/// before that commit (the primary counts acknowledgements for <c>sync</c> writes as durably applied).
/// </summary>
public sealed class DurableAcknowledgerTests
{
    private static readonly TimeSpan s_waitLimit = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task AnAcknowledgement_NeverExceedsTheReplicasCommittedLogLsn()
    {
        using var root = new TempDirectory();
        using var primary = AgentDatabase.Open(Path.Combine(root.Path, "primary"), Options(DatabaseRole.Primary));
        using var replica = AgentDatabase.Open(Path.Combine(root.Path, "replica"), Options(DatabaseRole.Replica));
        primary.CreateCollection("c", 3, DistanceMetric.L2Squared);
        for (var i = 0; i < 10; i++)
        {
            primary.Upsert("c", $"r{i}", [0x80], [i, 1, 2]);
        }
        var entries = new List<LogRecord>();
        await foreach (var entry in primary.ReadLog(1))
        {
            entries.Add(new LogRecord(entry.Lsn, entry.Payload.ToArray()) { PreviousLsn = entry.PreviousLsn });
        }
        var last = entries[^1].Lsn;

        var sent = new List<(long Acknowledged, long Committed)>();
        var firstSend = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var acknowledger = new DurableAcknowledger(replica, new LagHistogram(),
            (lsn, _) =>
            {
                lock (sent)
                {
                    sent.Add((lsn, replica.CommittedLogLsn));
                }
                firstSend.TrySetResult();
                return ValueTask.CompletedTask;
            },
            () => { });
        var visible = Channel.CreateUnbounded<DurableAcknowledger.Visible>();
        using var stop = new CancellationTokenSource();

        // The replica's log commits in the background only (durability None), at most once per 3 s: the first entry's
        // commit starts that interval, and the others are applied and visible before the next commit.
        Assert.Equal(1, replica.ApplyReplicatedAheadOfCommit(entries[..1]));
        await replica.WaitForLogCommitAsync(entries[0].Lsn).AsTask().WaitAsync(s_waitLimit);
        Assert.Equal(entries.Count - 1, replica.ApplyReplicatedAheadOfCommit(entries[1..]));
        Assert.Equal(last, replica.VisibleLsn);
        var committedBefore = replica.CommittedLogLsn;
        var running = acknowledger.RunAsync(visible.Reader, stop.Token);
        await visible.Writer.WriteAsync(new DurableAcknowledger.Visible(last, 0, entries.Count));
        await Task.WhenAny(firstSend.Task, Task.Delay(300)); // an acknowledger that does not wait for the commit sends at once
        if (committedBefore < last && replica.CommittedLogLsn < last)
        {
            lock (sent)
            {
                Assert.Empty(sent); // the commit is still pending: nothing may be acknowledged yet
            }
        }

        await firstSend.Task.WaitAsync(s_waitLimit);
        visible.Writer.Complete();
        await running.WaitAsync(s_waitLimit);
        lock (sent)
        {
            var (acknowledged, committed) = Assert.Single(sent);
            Assert.Equal(last, acknowledged);
            Assert.True(acknowledged <= committed, $"acknowledged LSN {acknowledged} above the committed LSN {committed} when sent");
        }
        Assert.Equal(last, acknowledger.AcknowledgedLsn);
    }

    private static AgentDatabaseOptions Options(DatabaseRole role) => new()
    {
        Durability = role == DatabaseRole.Replica ? DurabilityMode.None : DurabilityMode.Group,
        GroupCommitInterval = role == DatabaseRole.Replica ? TimeSpan.FromSeconds(3) : TimeSpan.FromMilliseconds(2),
        LogPageSizeBits = 20,
        LogMemorySizeBits = 22,
        MaxPayloadBytes = 64 * 1024,
        Role = role,
    };
}
