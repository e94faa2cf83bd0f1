using AgentDb.Engine.Tests.Support;
using AgentDb.Kernels;
using static AgentDb.Engine.Tests.Storage.DatabaseTestHelpers;

namespace AgentDb.Engine.Tests.Storage;

public sealed class BatchTests
{
    [Fact]
    public void Batch_AppliesEveryOperationAcrossCollections_AsOneLogEntry()
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options());
        db.CreateCollection("a", 2, DistanceMetric.L2Squared);
        db.CreateCollection("b", 3, DistanceMetric.Cosine);
        db.Upsert("a", "old", Payload("n", "s"), [0f, 0f]);
        long before = db.GetStats().AppendedLsn;

        var batch = new RecordBatch()
            .Upsert("a", "a1", Payload("n", "s"), [1f, 2f])
            .Upsert("b", "b1", Payload("n", "s"), [1f, 2f, 3f])
            .Delete("a", "old");
        long lsn = db.Batch(batch);

        Assert.Equal(before + 1, lsn);
        Assert.Equal(lsn, db.GetStats().AppendedLsn);
        Assert.Equal(lsn, db.Get("a", "a1")!.Lsn);
        Assert.Equal(lsn, db.Get("b", "b1")!.Lsn);
        Assert.Null(db.Get("a", "old"));
        Assert.Equal(1, db.Count("a"));
    }

    [Fact]
    public void Batch_WithAnUnknownCollection_WritesNothing()
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options());
        db.CreateCollection("a", 2, DistanceMetric.L2Squared);
        long before = db.GetStats().AppendedLsn;
        var batch = new RecordBatch().Upsert("a", "a1", Payload("n", "s"), [1f, 2f]).Upsert("missing", "m1", Payload("n", "s"));
        CollectionNotFoundException error = Assert.Throws<CollectionNotFoundException>(() => db.Batch(batch));
        Assert.Equal("missing", error.CollectionName);
        Assert.Null(db.Get("a", "a1"));
        Assert.Equal(before, db.GetStats().AppendedLsn);
    }

    [Fact]
    public void Batch_WithAWrongDimension_WritesNothing()
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options());
        db.CreateCollection("a", 2, DistanceMetric.L2Squared);
        var batch = new RecordBatch().Upsert("a", "a1", Payload("n", "s"), [1f, 2f]).Upsert("a", "a2", Payload("n", "s"), [1f, 2f, 3f]);
        Assert.Throws<ArgumentException>(() => db.Batch(batch));
        Assert.Equal(0, db.Count("a"));
    }

    [Fact]
    public void Batch_LargerThanALogEntry_IsRejected_AndWritesNothing()
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options());
        db.CreateCollection("a", 2, DistanceMetric.L2Squared);
        var batch = new RecordBatch();
        for (int i = 0; i < 40; i++)
        {
            batch.Upsert("a", $"r{i}", new byte[60_000]);
        }

        ArgumentException error = Assert.Throws<ArgumentException>(() => db.Batch(batch));
        Assert.Contains("log entry", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, db.Count("a"));
    }

    [Fact]
    public void RecordBatch_RejectsTheSameIdTwiceInACollection()
    {
        var batch = new RecordBatch().Upsert("a", "x", [1]);
        Assert.Throws<ArgumentException>(() => batch.Delete("a", "x"));
        batch.Upsert("b", "x", [1]); // another collection is fine
        Assert.Equal(2, batch.Count);
        batch.Clear();
        batch.Upsert("a", "x", [1]);
        Assert.Equal(1, batch.Count);
    }

    [Fact]
    public void EmptyBatch_DoesNothing()
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options());
        long before = db.GetStats().AppendedLsn;
        db.Batch(new RecordBatch());
        Assert.Equal(before, db.GetStats().AppendedLsn);
    }
}
