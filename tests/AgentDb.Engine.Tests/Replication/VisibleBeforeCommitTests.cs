using AgentDb.Engine.Tests.Support;
using AgentDb.Kernels;
using AgentDb.Log;
using AgentDb.Storage;
using static AgentDb.Engine.Tests.Replication.ReplicaTestHelpers;
using static AgentDb.Engine.Tests.Storage.DatabaseTestHelpers;

namespace AgentDb.Engine.Tests.Replication;

/// <summary>
/// A replica makes the primary's entries visible before its own log commit completes (they are durable on the primary),
/// reports them durable only after it, and refuses to open when its records were persisted beyond its log's end.
/// </summary>
public sealed class VisibleBeforeCommitTests
{
    private static readonly TimeSpan s_waitLimit = TimeSpan.FromSeconds(20);

    /// <summary>Holds every commit completion of <paramref name="replica"/>'s log until <see cref="ReleaseCommits"/>.</summary>
    private static ManualResetEventSlim HoldCommits(AgentDatabase replica)
    {
        var hold = new ManualResetEventSlim(false); // never disposed: the replica's committer may still read it after the test
        replica.WriteAheadLogForTests.CommitHoldForTests = hold;
        return hold;
    }

    private static void ReleaseCommits(AgentDatabase replica, ManualResetEventSlim hold)
    {
        hold.Set();
        replica.WriteAheadLogForTests.CommitHoldForTests = null;
    }

    [Fact]
    public async Task ReplicatedEntries_AreVisible_WhileTheReplicasLogCommitIsHeld()
    {
        using var dir = new TempDirectory();
        using var primary = AgentDatabase.Open(dir.Combine("primary"), Options());
        using var replica = AgentDatabase.Open(dir.Combine("replica"), ReplicaOptions());
        List<LogRecord> entries = await WriteRecords(primary, 20);
        long last = entries[^1].Lsn;

        ManualResetEventSlim hold = HoldCommits(replica);
        Task<int> applying = Task.Run(() => replica.ApplyReplicated(entries));
        try
        {
            // Bounded: the entries become visible while the commit is held, or the wait gives up and the test fails.
            bool visible = SpinWait.SpinUntil(() => replica.VisibleLsn == last || applying.IsFaulted, s_waitLimit);
            Assert.True(visible && !applying.IsFaulted, $"visible LSN {replica.VisibleLsn}, expected {last} before the log commit completes");
            Assert.NotNull(replica.Get("c", "r19"));
            Assert.Equal(20, replica.Count("c"));
            Assert.True(replica.CommittedLogLsn < last, $"committed LSN {replica.CommittedLogLsn} while the commit is held");
            Assert.False(applying.IsCompleted, "ApplyReplicated returns only once the entries are durable");
        }
        finally
        {
            ReleaseCommits(replica, hold);
        }

        Assert.Equal(entries.Count, await applying.WaitAsync(s_waitLimit));
        Assert.True(replica.CommittedLogLsn >= last);
    }

    [Fact]
    public async Task ApplyReplicatedAheadOfCommit_Returns_BeforeTheEntriesAreDurable()
    {
        using var dir = new TempDirectory();
        using var primary = AgentDatabase.Open(dir.Combine("primary"), Options());
        using var replica = AgentDatabase.Open(dir.Combine("replica"), ReplicaOptions());
        List<LogRecord> entries = await WriteRecords(primary, 5);
        long last = entries[^1].Lsn;

        ManualResetEventSlim hold = HoldCommits(replica);
        Task<int> applying = Task.Run(() => replica.ApplyReplicatedAheadOfCommit(entries));
        Task durable;
        try
        {
            Assert.Equal(entries.Count, await applying.WaitAsync(s_waitLimit)); // returns although the commit is held
            Assert.Equal(last, replica.VisibleLsn);
            Assert.True(replica.CommittedLogLsn < last, $"committed LSN {replica.CommittedLogLsn} while the commit is held");
            durable = replica.WaitForLogCommitAsync(last).AsTask();
            Assert.False(durable.IsCompleted);
        }
        finally
        {
            ReleaseCommits(replica, hold);
        }

        await durable.WaitAsync(s_waitLimit);
        Assert.True(replica.CommittedLogLsn >= last);
    }

    [Fact]
    public async Task Checkpoint_OnAReplica_CommitsTheLogBeforeTheRecordsAreFlushed()
    {
        using var dir = new TempDirectory();
        using var primary = AgentDatabase.Open(dir.Combine("primary"), Options());
        using var replica = AgentDatabase.Open(dir.Combine("replica"), ReplicaOptions());
        List<LogRecord> entries = await WriteRecords(primary, 5);
        long last = entries[^1].Lsn;

        ManualResetEventSlim hold = HoldCommits(replica);
        Task checkpoint;
        try
        {
            await Task.Run(() => replica.ApplyReplicatedAheadOfCommit(entries)).WaitAsync(s_waitLimit);
            checkpoint = Task.Run(replica.Checkpoint);
            await Task.WhenAny(checkpoint, Task.Delay(300));
            Assert.False(checkpoint.IsCompleted, "the checkpoint flushed the records while the log commit was held");
        }
        finally
        {
            ReleaseCommits(replica, hold);
        }

        await checkpoint.WaitAsync(s_waitLimit);
        Assert.True(replica.CommittedLogLsn >= last);
    }

    [Fact]
    public async Task Open_WithRecordsAppliedBeyondTheLogsEnd_RefusesAReplica_AndAPrimaryOpensWithAWarning()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("replica");
        long last;
        using (var primary = AgentDatabase.Open(dir.Combine("primary"), Options()))
        {
            List<LogRecord> entries = await WriteRecords(primary, 10);
            var replica = AgentDatabase.Open(path, ReplicaOptions());
            LogReaderRegistration keep = replica.RegisterLogReader("keep", 1); // the close's checkpoint keeps the entries
            replica.ApplyReplicated(entries);
            last = entries[^1].Lsn;
            replica.Dispose();
            keep.Dispose();
        }

        // What a crash leaves when RocksDB flushed records applied ahead of the log commit that never completed.
        using (var store = RocksDbRecordStore.Open(Path.Combine(path, "rocksdb"), new RecordStoreOptions { DisableWal = true }))
        {
            store.MarkApplied(last + 7);
            store.Flush();
        }

        var refused = Assert.Throws<LogBehindRecordsException>(() => AgentDatabase.Open(path, ReplicaOptions()));
        Assert.Equal(last + 7, refused.AppliedLsn);
        Assert.Equal(last, refused.LastLogEntryLsn);

        var warnings = new List<string>();
        using (var asPrimary = AgentDatabase.Open(path, Options(warning: warnings.Add)))
        {
            Assert.Equal(last + 7, asPrimary.LastLogLsn); // as before: new entries continue above the records
            Assert.Equal(10, asPrimary.Count("c"));
        }

        Assert.Contains(warnings, w => w.Contains($"ends at LSN {last}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Open_OfAReplicaWhoseLogHoldsNoEntries_IsNotAHole()
    {
        using var dir = new TempDirectory();
        using var primary = AgentDatabase.Open(dir.Combine("primary"), Options());
        List<LogRecord> entries = await WriteRecords(primary, 10);
        primary.Backup(dir.Combine("backup"));
        AgentDatabase.Restore(dir.Combine("backup"), dir.Combine("replica"));

        using var replica = AgentDatabase.Open(dir.Combine("replica"), ReplicaOptions()); // records at the LSN, an empty log
        Assert.Equal(entries[^1].Lsn, replica.LastLogLsn);
        Assert.Equal(10, replica.Count("c"));
    }

    /// <summary>Creates collection <c>c</c> (4 dimensions) and upserts <c>r0</c>…<c>r{count-1}</c>; returns the primary's log.</summary>
    private static async Task<List<LogRecord>> WriteRecords(AgentDatabase primary, int count)
    {
        primary.CreateCollection("c", 4, DistanceMetric.L2Squared);
        for (int i = 0; i < count; i++)
        {
            primary.Upsert("c", $"r{i}", Payload("n", "s"), Vector(4, i));
        }

        return await ReadAll(primary);
    }
}
