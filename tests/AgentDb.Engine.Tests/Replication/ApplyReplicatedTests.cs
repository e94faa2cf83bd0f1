using AgentDb.Engine.Tests.Support;
using AgentDb.Kernels;
using AgentDb.Log;
using static AgentDb.Engine.Tests.Replication.ReplicaTestHelpers;
using static AgentDb.Engine.Tests.Storage.DatabaseTestHelpers;

namespace AgentDb.Engine.Tests.Replication;

/// <summary>A primary and a replica database in one process: the primary's log applied on the replica through <see cref="AgentDatabase.ApplyReplicated(LogRecord)"/>.</summary>
public sealed class ApplyReplicatedTests
{
    [Fact]
    public async Task StreamedEntries_MakeTheReplicaEqualToThePrimary_RecordsAndSearch()
    {
        using var dir = new TempDirectory();
        using var primary = AgentDatabase.Open(dir.Combine("primary"), Options());
        using var replica = AgentDatabase.Open(dir.Combine("replica"), ReplicaOptions());
        WriteMixedHistory(primary, seed: 1);

        List<LogRecord> entries = await ReadAll(primary);
        foreach (LogRecord entry in entries)
        {
            Assert.True(replica.ApplyReplicated(entry));
            Assert.Equal(entry.Lsn, replica.VisibleLsn); // applied to the records and the index when the call returns
        }

        Assert.Equal(primary.LastLogLsn, replica.LastLogLsn);
        Assert.Equal(primary.AppliedLsn, replica.AppliedLsn);
        Assert.Equal(Digest(primary), Digest(replica));
        Assert.Equal(primary.Count("a"), replica.Count("a"));
        for (int q = 0; q < 5; q++)
        {
            float[] query = Vector(8, 1000 + q);
            IReadOnlyList<SearchResult> expected = primary.Search("a", query, 10);
            IReadOnlyList<SearchResult> actual = replica.Search("a", query, 10);
            Assert.Equal(expected.Select(r => (r.Record.Id, r.Distance)), actual.Select(r => (r.Record.Id, r.Distance)));
        }
    }

    [Fact]
    public void Replica_RefusesClientWrites_WithNotPrimary_AndServesReads()
    {
        using var dir = new TempDirectory();
        using var replica = AgentDatabase.Open(dir.Path, ReplicaOptions());
        Assert.Equal(DatabaseRole.Replica, replica.Role);
        Assert.Throws<NotPrimaryException>(() => replica.CreateCollection("c", 4, DistanceMetric.L2Squared));
        Assert.Throws<NotPrimaryException>(() => replica.Batch(new RecordBatch().Delete("c", "x")));
        Assert.Empty(replica.ListCollections());
        Assert.Equal(0, replica.LastLogLsn);
    }

    [Fact]
    public async Task Replica_RefusesUpsertAndDelete_OnACollectionItReplicated()
    {
        using var dir = new TempDirectory();
        using var primary = AgentDatabase.Open(dir.Combine("primary"), Options());
        using var replica = AgentDatabase.Open(dir.Combine("replica"), ReplicaOptions());
        replica.ApplyReplicated(await WriteRecords(primary, 1));

        Assert.Throws<NotPrimaryException>(() => replica.Upsert("c", "r2", Payload("n", "s"), Vector(4, 2)));
        await Assert.ThrowsAsync<NotPrimaryException>(async () => await replica.DeleteAsync("c", "r0"));
        Assert.NotNull(replica.Get("c", "r0"));
        Assert.Equal(1, replica.Count("c"));
    }

    [Fact]
    public async Task Restart_ResumesFromTheAppliedLsn_AndDuplicatesAreSkipped()
    {
        using var dir = new TempDirectory();
        using var primary = AgentDatabase.Open(dir.Combine("primary"), Options());
        WriteMixedHistory(primary, seed: 2);
        List<LogRecord> entries = await ReadAll(primary);
        int half = entries.Count / 2;
        long resumeAfter;
        using (var replica = AgentDatabase.Open(dir.Combine("replica"), ReplicaOptions()))
        {
            Assert.Equal(half, replica.ApplyReplicated(entries.Take(half).ToList()));
            resumeAfter = replica.LastLogLsn;
            Assert.Equal(entries[half - 1].Lsn, resumeAfter);
        }

        using (var replica = AgentDatabase.Open(dir.Combine("replica"), ReplicaOptions()))
        {
            Assert.Equal(resumeAfter, replica.LastLogLsn);
            Assert.Equal(resumeAfter, replica.AppliedLsn);

            // A primary that re-sends from the start: the entries held are skipped, the rest applied once.
            Assert.Equal(entries.Count - half, replica.ApplyReplicated(entries));
            Assert.False(replica.ApplyReplicated(entries[0]));
            Assert.False(replica.ApplyReplicated(entries[^1]));
            Assert.Equal(Digest(primary), Digest(replica));
        }

        using (var replica = AgentDatabase.Open(dir.Combine("replica"), ReplicaOptions()))
        {
            Assert.Equal(primary.LastLogLsn, replica.LastLogLsn);
            Assert.Equal(Digest(primary), Digest(replica));
        }
    }

    [Fact]
    public async Task Gap_IsRefused_AndNothingOfTheRefusedEntryIsWritten()
    {
        using var dir = new TempDirectory();
        using var primary = AgentDatabase.Open(dir.Combine("primary"), Options());
        using var replica = AgentDatabase.Open(dir.Combine("replica"), ReplicaOptions());
        List<LogRecord> entries = await WriteRecords(primary, 5);
        Assert.True(replica.ApplyReplicated(entries[0]));
        Assert.True(replica.ApplyReplicated(entries[1]));
        ReplicationGapException gap = Assert.Throws<ReplicationGapException>(() => replica.ApplyReplicated(entries[3]));
        Assert.Equal(entries[3].Lsn, gap.Lsn);
        Assert.Equal(entries[1].Lsn, gap.HeldLsn);
        Assert.Equal(entries[1].Lsn, replica.LastLogLsn);
        Assert.Null(replica.Get("c", "r2"));

        // A batch with a hole applies what precedes the hole, then refuses.
        Assert.Throws<ReplicationGapException>(() => replica.ApplyReplicated(new[] { entries[2], entries[4] }));
        Assert.Equal(entries[2].Lsn, replica.LastLogLsn);
        Assert.NotNull(replica.Get("c", "r1"));
        Assert.Null(replica.Get("c", "r3"));

        // The stream resumes where it should.
        Assert.Equal(3, replica.ApplyReplicated(entries.Skip(3).ToList()));
        Assert.Equal(Digest(primary), Digest(replica));
    }

    [Fact]
    public async Task MalformedEntry_IsRefused_BeforeAnythingIsWritten()
    {
        using var dir = new TempDirectory();
        using var primary = AgentDatabase.Open(dir.Combine("primary"), Options());
        using var replica = AgentDatabase.Open(dir.Combine("replica"), ReplicaOptions());
        List<LogRecord> entries = await WriteRecords(primary, 1);
        Assert.True(replica.ApplyReplicated(entries[0]));

        byte[] truncated = entries[1].Payload[..20].ToArray();
        Assert.Throws<InvalidDataException>(() => replica.ApplyReplicated(entries[1] with { Payload = truncated }));
        byte[] badOpcode = entries[1].Payload.ToArray();
        badOpcode[0] = 0xEE;
        Assert.Throws<InvalidDataException>(() => replica.ApplyReplicated(entries[1] with { Payload = badOpcode }));
        Assert.Equal(entries[0].Lsn, replica.LastLogLsn);

        Assert.True(replica.ApplyReplicated(entries[1])); // still usable: nothing was written
        Assert.Equal(Digest(primary), Digest(replica));
    }

    [Fact]
    public async Task ApplyReplicated_OnAPrimary_Throws()
    {
        using var dir = new TempDirectory();
        using var primary = AgentDatabase.Open(dir.Combine("primary"), Options());
        using var other = AgentDatabase.Open(dir.Combine("other"), Options());
        List<LogRecord> entries = await WriteRecords(primary, 0);
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => other.ApplyReplicated(entries[0]));
        Assert.IsNotType<NotPrimaryException>(error);
    }

    [Fact]
    public async Task FollowingStream_UnderConcurrentWrites_Converges()
    {
        using var dir = new TempDirectory();
        using var primary = AgentDatabase.Open(dir.Combine("primary"), Options());
        using var replica = AgentDatabase.Open(dir.Combine("replica"), ReplicaOptions());
        primary.CreateCollection("c", 8, DistanceMetric.Cosine);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // a hang fails; no speed is measured
        const int writes = 400;
        Task writer = Task.Run(async () =>
        {
            for (int i = 0; i < writes; i++)
            {
                await primary.UpsertAsync("c", $"r{i % 150}", Payload("n", "s", $"t{i}"), Vector(8, i));
                if (i % 7 == 0)
                {
                    await primary.DeleteAsync("c", $"r{(i * 3) % 150}");
                }
            }
        });

        Task follower = Task.Run(async () =>
        {
            var batch = new List<LogRecord>();
            await foreach (LogRecord record in primary.ReadLog(replica.LastLogLsn + 1, follow: true, deadline.Token))
            {
                batch.Add(record);
                if (batch.Count == 16 || record.Lsn >= primary.CommittedLogLsn)
                {
                    replica.ApplyReplicated(batch);
                    batch.Clear();
                }
            }
        });

        await writer;
        while (replica.LastLogLsn < primary.LastLogLsn && !follower.IsCompleted)
        {
            await Task.Delay(10, deadline.Token);
        }

        await deadline.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => follower);
        await writer;
        Assert.Equal(primary.LastLogLsn, replica.LastLogLsn);
        Assert.Equal(Digest(primary), Digest(replica));
    }

    [Fact]
    public async Task Promoted_Replica_TakesWrites_AboveTheReplicatedLsn()
    {
        using var dir = new TempDirectory();
        using var primary = AgentDatabase.Open(dir.Combine("primary"), Options());
        using var replica = AgentDatabase.Open(dir.Combine("replica"), ReplicaOptions());
        primary.CreateCollection("c", 4, DistanceMetric.L2Squared);
        primary.CreateCollection("gone", 4, DistanceMetric.L2Squared);
        primary.DropCollection("gone");
        primary.Upsert("c", "r", Payload("n", "s"), Vector(4, 1));
        List<LogRecord> entries = await ReadAll(primary);
        replica.ApplyReplicated(entries);

        replica.PromoteToPrimary();
        Assert.Equal(DatabaseRole.Primary, replica.Role);
        long lsn = replica.Upsert("c", "r2", Payload("n", "s"), Vector(4, 2));
        Assert.True(lsn > entries[^1].Lsn);
        Assert.Throws<ArgumentException>(() => replica.Upsert("c", "r3", Payload("n", "s"), Vector(4, 2).Take(3).ToArray()));
        Assert.Throws<CollectionNotFoundException>(() => replica.Upsert("gone", "x", Payload("n", "s")));
        Assert.Throws<InvalidOperationException>(() => replica.ApplyReplicated(entries[^1] with { Lsn = lsn + 1, PreviousLsn = lsn }));
    }

    [Fact]
    public async Task ReplicaRestoredFromABackup_TailsTheLogFromTheBackupsLsn()
    {
        using var dir = new TempDirectory();
        using var primary = AgentDatabase.Open(dir.Combine("primary"), Options());
        WriteMixedHistory(primary, seed: 3);
        using LogReaderRegistration hold = primary.RegisterLogReader("replica", primary.AppliedLsn + 1); // as the server's source does
        BackupInfo backup = primary.Backup(dir.Combine("backup"));
        primary.Upsert("a", "after-backup", Payload("n", "s"), Vector(8, 5));
        primary.Delete("a", "a2");
        primary.Checkpoint(); // the entries before the backup are gone from the log now
        Assert.True(primary.FirstLogLsn > 1);

        AgentDatabase.Restore(dir.Combine("backup"), dir.Combine("replica"));
        using var replica = AgentDatabase.Open(dir.Combine("replica"), ReplicaOptions());
        Assert.Equal(backup.AppliedLsn, replica.LastLogLsn);
        List<LogRecord> tail = await ReadAll(primary, backup.AppliedLsn + 1);
        Assert.NotEmpty(tail);
        Assert.Equal(tail.Count, replica.ApplyReplicated(tail));
        Assert.Equal(Digest(primary), Digest(replica));
    }

    [Fact]
    public async Task PredecessorBelowTheHeldLsn_IsAccepted_AboveIsAGap()
    {
        using var dir = new TempDirectory();
        using var primary = AgentDatabase.Open(dir.Combine("primary"), Options());
        using var replica = AgentDatabase.Open(dir.Combine("replica"), ReplicaOptions());
        List<LogRecord> entries = await WriteRecords(primary, 4);
        replica.ApplyReplicated(entries.Take(3).ToList());

        // The primary's log skipped LSNs (its predecessor is below what the replica holds): nothing is missing.
        Assert.True(replica.ApplyReplicated(entries[4] with { PreviousLsn = entries[1].Lsn }));
        Assert.Equal(entries[4].Lsn, replica.LastLogLsn);
        Assert.NotNull(replica.Get("c", "r3"));
        Assert.Throws<ReplicationGapException>(() => replica.ApplyReplicated(entries[4] with { Lsn = entries[4].Lsn + 2, PreviousLsn = entries[4].Lsn + 1 }));
    }

    /// <summary>Creates collection <c>c</c> (4 dimensions) and upserts <c>r0</c>…<c>r{count-1}</c>: the primary's whole
    /// log, one entry for the create and one per record.</summary>
    private static async Task<List<LogRecord>> WriteRecords(AgentDatabase primary, int count)
    {
        primary.CreateCollection("c", 4, DistanceMetric.L2Squared);
        for (int i = 0; i < count; i++)
        {
            primary.Upsert("c", $"r{i}", Payload("n", "s"), Vector(4, i));
        }

        return await ReadAll(primary);
    }

    /// <summary>Creates, upserts (with and without vectors), overwrites, deletes, batches and a drop and re-create.</summary>
    private static void WriteMixedHistory(AgentDatabase db, int seed)
    {
        db.CreateCollection("a", 8, DistanceMetric.L2Squared);
        db.CreateCollection("b", 4, DistanceMetric.Cosine);
        for (int i = 0; i < 60; i++)
        {
            db.Upsert("a", $"a{i}", Payload("n", $"s{i % 3}"), Vector(8, (seed * 1000) + i));
        }

        db.Upsert("b", "novector", Payload("n", "s"));
        for (int i = 0; i < 60; i += 4)
        {
            db.Delete("a", $"a{i}");
        }

        db.Upsert("a", "a1", Payload("n", "rewritten"), Vector(8, seed + 77));
        var batch = new RecordBatch();
        for (int i = 0; i < 10; i++)
        {
            batch.Upsert("a", $"batch{i}", Payload("n", "b"), Vector(8, (seed * 2000) + i));
        }

        batch.Delete("a", "a3");
        db.Batch(batch);
        db.DropCollection("b");
        db.CreateCollection("b", 4, DistanceMetric.Cosine);
        db.Upsert("b", "again", Payload("n", "s"), Vector(4, seed));
    }
}
