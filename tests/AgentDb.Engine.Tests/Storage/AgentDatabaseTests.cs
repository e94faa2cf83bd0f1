using AgentDb.Engine.Tests.Support;
using AgentDb.Kernels;
using AgentDb.Log;
using static AgentDb.Engine.Tests.Storage.DatabaseTestHelpers;

namespace AgentDb.Engine.Tests.Storage;

public sealed class AgentDatabaseTests
{
    [Fact]
    public void UpsertGetDelete_RoundTrip_AndSurvivesReopen()
    {
        using var dir = new TempDirectory();
        float[] vector = Vector(8, 1);
        byte[] payload = Payload("ns", "s1", "a");
        long lsn;
        using (var db = AgentDatabase.Open(dir.Path, Options()))
        {
            db.CreateCollection("memories", 8, DistanceMetric.Cosine);
            lsn = db.Upsert("memories", "m-1", payload, vector);
            db.Upsert("memories", "m-2", Payload("ns", "s2"), default);

            StoredRecord record = db.Get("memories", "m-1")!;
            Assert.Equal("m-1", record.Id);
            Assert.Equal(payload, record.Payload);
            Assert.Equal(vector, record.Vector);
            Assert.Equal(lsn, record.Lsn);
            Assert.Null(db.Get("memories", "m-2")!.Vector);
            Assert.Null(db.Get("memories", "nope"));
            Assert.Equal(2, db.Count("memories"));

            Assert.True(db.Delete("memories", "m-2"));
            Assert.False(db.Delete("memories", "m-2"));
            Assert.False(db.TryGet("memories", "m-2", out _));
        }

        using (var db = AgentDatabase.Open(dir.Path, Options()))
        {
            StoredRecord record = db.Get("memories", "m-1")!;
            Assert.Equal(payload, record.Payload);
            Assert.Equal(vector, record.Vector);
            Assert.Equal(1, db.Count("memories"));
            CollectionInfo info = Assert.Single(db.ListCollections());
            Assert.Equal(("memories", 8, DistanceMetric.Cosine, 1L), (info.Name, info.Dimension, info.Metric, info.RecordCount));
            Assert.Equal("m-1", Assert.Single(db.Search("memories", vector, 5)).Record.Id);
        }
    }

    [Fact]
    public void Upsert_KeepsCreatedTimestamp_AndUpdatesTheRest()
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options());
        db.CreateCollection("c", 4, DistanceMetric.L2Squared);
        db.Upsert("c", "x", Payload("a", "s"), Vector(4, 1));
        StoredRecord first = db.Get("c", "x")!;
        Thread.Sleep(5);
        long lsn = db.Upsert("c", "x", Payload("b", "s"), default);
        StoredRecord second = db.Get("c", "x")!;
        Assert.Equal(first.CreatedUnixMs, second.CreatedUnixMs);
        Assert.True(second.UpdatedUnixMs >= first.UpdatedUnixMs);
        Assert.Equal(lsn, second.Lsn);
        Assert.Null(second.Vector);
        Assert.Equal(1, db.Count("c"));
        Assert.Empty(db.Search("c", Vector(4, 1), 3)); // the vector was removed by the upsert without one
    }

    [Fact]
    public async Task AsyncWrites_InEveryMode_AreVisibleWhenTheyComplete()
    {
        foreach (DurabilityMode mode in Enum.GetValues<DurabilityMode>())
        {
            using var dir = new TempDirectory();
            using var db = AgentDatabase.Open(dir.Path, Options(mode));
            db.CreateCollection("c", 4, DistanceMetric.Dot);
            var tasks = new List<Task<long>>();
            for (int i = 0; i < 40; i++)
            {
                tasks.Add(db.UpsertAsync("c", $"id-{i}", Payload("n", "s"), Vector(4, i)).AsTask());
            }

            long[] lsns = await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(40, lsns.Distinct().Count());
            Assert.Equal(40, db.Count("c"));
            Assert.True(await db.DeleteAsync("c", "id-3"));
            Assert.Equal(39, db.Count("c"));
            DatabaseStats stats = db.GetStats();
            Assert.True(stats.AppliedLsn >= lsns.Max());
            if (mode != DurabilityMode.None)
            {
                Assert.True(stats.CommittedLsn >= lsns.Max());
            }
        }
    }

    [Fact]
    public void ConcurrentSyncWriters_AllApplied_InLsnOrder()
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options(DurabilityMode.Sync));
        db.CreateCollection("c", 4, DistanceMetric.Cosine);
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, w =>
        {
            for (int i = 0; i < 25; i++)
            {
                db.Upsert("c", $"w{w}-{i}", Payload("n", "s"), Vector(4, (w * 100) + i));
            }
        });
        Assert.Equal(100, db.Count("c"));
        Assert.Equal(100, db.GetStats().Collections[0].IndexedVectors);
    }

    [Fact]
    public void Scan_ByPrefixAndRange_InIdOrder_WithLimit()
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options());
        db.CreateCollection("c", 2, DistanceMetric.L2Squared);
        foreach (string id in new[] { "a1", "b1", "b2", "b3", "c1", "b10" })
        {
            db.Upsert("c", id, Payload("n", "s"), default);
        }

        Assert.Equal(new[] { "b1", "b10", "b2", "b3" }, db.ScanPrefix("c", "b", 10).Select(r => r.Id));
        Assert.Equal(new[] { "b1", "b10" }, db.ScanPrefix("c", "b", 2).Select(r => r.Id));
        Assert.Equal(new[] { "b10", "b2" }, db.ScanRange("c", "b10", "b3", 10).Select(r => r.Id));
        Assert.Equal(new[] { "a1", "b1", "b10", "b2", "b3", "c1" }, db.ScanRange("c", null, null, 100).Select(r => r.Id));
        Assert.Empty(db.ScanPrefix("c", "z", 10));
    }

    [Fact]
    public void VisibleLsn_FollowsEachAppliedWrite_AndStartsAtTheAppliedLsnOnOpen()
    {
        using var dir = new TempDirectory();
        long last;
        using (var db = AgentDatabase.Open(dir.Path, Options()))
        {
            Assert.Equal(0, db.VisibleLsn);
            db.CreateCollection("c", 2, DistanceMetric.L2Squared);
            long lsn = db.Upsert("c", "a", Payload("n", "s"), new float[] { 1, 2 });
            Assert.Equal(lsn, db.VisibleLsn);
            Assert.Equal(db.AppliedLsn, db.VisibleLsn);
            Assert.Equal("a", Assert.Single(db.Search("c", new float[] { 1, 2 }, 1)).Record.Id); // visible means searchable
            db.Delete("c", "a");
            last = db.AppliedLsn;
            Assert.Equal(last, db.VisibleLsn);
        }

        using (var db = AgentDatabase.Open(dir.Path, Options()))
        {
            Assert.Equal(last, db.VisibleLsn);
        }
    }

    [Fact]
    public void Scan_WithoutVectors_ReturnsThePayloadsAndLsns_AndNoVector()
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options());
        db.CreateCollection("c", 3, DistanceMetric.L2Squared);
        db.Upsert("c", "a", Payload("n", "1"), new float[] { 1, 2, 3 });
        db.Upsert("c", "b", Payload("n", "2"), new float[] { 4, 5, 6 });

        IReadOnlyList<StoredRecord> full = db.ScanRange("c", null, null, 10);
        IReadOnlyList<StoredRecord> lean = db.ScanRange("c", null, null, 10, includeVectors: false);
        Assert.Equal(new float[] { 4, 5, 6 }, full[1].Vector);
        Assert.Equal(2, lean.Count);
        for (int i = 0; i < lean.Count; i++)
        {
            Assert.Null(lean[i].Vector);
            Assert.Equal((full[i].Id, full[i].Lsn, full[i].CreatedUnixMs), (lean[i].Id, lean[i].Lsn, lean[i].CreatedUnixMs));
            Assert.Equal(full[i].Payload, lean[i].Payload);
        }

        Assert.Null(Assert.Single(db.ScanPrefix("c", "a", 10, includeVectors: false)).Vector);
        Assert.NotNull(Assert.Single(db.ScanPrefix("c", "a", 10)).Vector);
    }

    [Fact]
    public void Search_ReturnsNearestFirst_AndAppliesThePayloadFilter()
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options());
        db.CreateCollection("c", 2, DistanceMetric.L2Squared);
        db.Upsert("c", "near", Payload("agent-1", "s1", "x"), [1f, 0f]);
        db.Upsert("c", "mid", Payload("agent-2", "s1", "y", "urgent"), [2f, 0f]);
        db.Upsert("c", "far", Payload("agent-1", "s2", "urgent"), [5f, 0f]);

        IReadOnlyList<SearchResult> all = db.Search("c", [0f, 0f], 3);
        Assert.Equal(new[] { "near", "mid", "far" }, all.Select(r => r.Record.Id));
        Assert.Equal(1f, all[0].Distance);

        Assert.Equal(new[] { "near", "far" }, db.Search("c", [0f, 0f], 3, PayloadFilter.Where("namespace", "agent-1")).Select(r => r.Record.Id));
        Assert.Equal(new[] { "mid", "far" }, db.Search("c", [0f, 0f], 3, PayloadFilter.Contains("tags", "urgent")).Select(r => r.Record.Id));
        Assert.Equal(new[] { "far" }, db.Search("c", [0f, 0f], 3, PayloadFilter.Where("namespace", "agent-1").AndContains("tags", "urgent")).Select(r => r.Record.Id));
        Assert.Empty(db.Search("c", [0f, 0f], 3, PayloadFilter.Where("session", "nope")));
        Assert.Equal(new[] { "near" }, db.Search("c", [0f, 0f], 1).Select(r => r.Record.Id));
    }

    [Fact]
    public void DropCollection_RemovesItsRecords_AndTheNameCanBeReused()
    {
        using var dir = new TempDirectory();
        using (var db = AgentDatabase.Open(dir.Path, Options()))
        {
            db.CreateCollection("c", 2, DistanceMetric.L2Squared);
            db.Upsert("c", "x", Payload("n", "s"), [1f, 1f]);
            Assert.True(db.DropCollection("c"));
            Assert.False(db.DropCollection("c"));
            Assert.Throws<CollectionNotFoundException>(() => db.Get("c", "x"));
            db.CreateCollection("c", 3, DistanceMetric.Cosine);
            Assert.Null(db.Get("c", "x"));
            Assert.Equal(0, db.Count("c"));
        }

        using (var db = AgentDatabase.Open(dir.Path, Options()))
        {
            CollectionInfo info = Assert.Single(db.ListCollections());
            Assert.Equal(3, info.Dimension);
            Assert.Null(db.Get("c", "x"));
        }
    }

    [Fact]
    public void Stats_ReportRecordsBytesLsnsAndIndexSizes()
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options());
        db.CreateCollection("c", 16, DistanceMetric.Cosine);
        for (int i = 0; i < 10; i++)
        {
            db.Upsert("c", $"r{i}", Payload("n", "s"), Vector(16, i));
        }

        db.Checkpoint();
        DatabaseStats stats = db.GetStats();
        Assert.Equal(10, stats.Records);
        Assert.True(stats.BytesOnDisk > 0 && stats.RecordStoreBytes > 0 && stats.LogBytes > 0);
        Assert.Equal(11, stats.AppendedLsn);
        Assert.Equal(11, stats.AppliedLsn);
        Assert.Equal(11, stats.CommittedLsn);
        Assert.Equal(12, stats.FirstLogLsn); // the checkpoint truncated everything applied
        CollectionStats collection = Assert.Single(stats.Collections);
        Assert.Equal(10, collection.IndexedVectors);
        Assert.True(collection.IndexMemoryBytes >= 10 * 16 * sizeof(float));
    }
}
