using AgentDb.Engine.Tests.Support;
using AgentDb.Kernels;
using static AgentDb.Engine.Tests.Storage.DatabaseTestHelpers;

namespace AgentDb.Engine.Tests.Storage;

/// <summary>The database with indexing off the write path: the backlog in stats, searches, checkpoints and close.</summary>
public sealed class BackgroundIndexingDatabaseTests
{
    private const int Dim = 16;
    private const int Threshold = 200;

    [Fact]
    public void AWrite_IsSearchable_AsSoonAsItReturns_AndTheBacklogShowsInStats()
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, GraphOptions());
        db.CreateCollection("c", Dim, DistanceMetric.L2Squared);
        db.IndexOf("c").PauseIndexing();
        for (int i = 0; i < 600; i++)
        {
            db.Upsert("c", $"r{i}", Payload("n", "s"), Vector(Dim, i));
            IReadOnlyList<SearchResult> hits = db.Search("c", Vector(Dim, i), 1);
            Assert.Equal($"r{i}", Assert.Single(hits).Record.Id);
        }

        CollectionStats stats = Assert.Single(db.GetStats().Collections);
        Assert.Equal(600, stats.PendingVectors);
        Assert.Equal(600, stats.IndexedVectors);

        db.IndexOf("c").ResumeIndexing();
        Assert.True(db.IndexOf("c").WaitForIndexing(TimeSpan.FromMinutes(2)));
        Assert.Equal(0, Assert.Single(db.GetStats().Collections).PendingVectors);
    }

    [Fact]
    public void Close_WithABacklog_WritesItIntoTheSegments_AndReopenFindsEveryVector()
    {
        using var dir = new TempDirectory();
        using (var db = AgentDatabase.Open(dir.Path, GraphOptions()))
        {
            db.CreateCollection("c", Dim, DistanceMetric.L2Squared);
            db.IndexOf("c").PauseIndexing();
            for (int i = 0; i < 500; i++)
            {
                db.Upsert("c", $"r{i}", Payload("n", "s"), Vector(Dim, i));
            }

            Assert.True(db.Delete("c", "r7")); // a pending vector deleted
            Assert.Equal(499, Assert.Single(db.GetStats().Collections).PendingVectors);
        }

        using (var db = AgentDatabase.Open(dir.Path, GraphOptions()))
        {
            CollectionStats stats = Assert.Single(db.GetStats().Collections);
            Assert.Equal(499, stats.VectorsFromSegments); // loaded, not rebuilt: the close drained the backlog first
            Assert.Equal(0, stats.VectorsRebuilt);
            Assert.Equal(0, stats.PendingVectors);
            int found = 0;
            for (int i = 0; i < 500; i++)
            {
                IReadOnlyList<SearchResult> hits = db.Search("c", Vector(Dim, i), 1);
                Assert.DoesNotContain(hits, h => h.Record.Id == "r7");
                found += hits.Count == 1 && hits[0].Record.Id == $"r{i}" ? 1 : 0;
            }

            Assert.True(found >= 490, $"{found} of 499 vectors found themselves after reopen");
        }
    }

    [Fact]
    public void Checkpoint_WithABacklog_SegmentsReflectTheAppliedLsnExactly()
    {
        using var dir = new TempDirectory();
        using (var db = AgentDatabase.Open(dir.Path, GraphOptions()))
        {
            db.CreateCollection("c", Dim, DistanceMetric.L2Squared);
            db.IndexOf("c").PauseIndexing();
            for (int i = 0; i < 400; i++)
            {
                db.Upsert("c", $"r{i}", Payload("n", "s"), Vector(Dim, i));
            }

            db.Checkpoint();
            Assert.Equal(0, Assert.Single(db.GetStats().Collections).PendingVectors);

            // After the checkpoint: one more record, pending again (indexer still paused); the close seals it too.
            db.Upsert("c", "late", Payload("n", "s"), Vector(Dim, 9_999));
            Assert.Equal(1, Assert.Single(db.GetStats().Collections).PendingVectors);
        }

        using (var db = AgentDatabase.Open(dir.Path, GraphOptions()))
        {
            CollectionStats stats = Assert.Single(db.GetStats().Collections);
            Assert.Equal(401, stats.VectorsFromSegments);
            Assert.Equal(0, stats.VectorsRebuilt);
            Assert.Equal("late", Assert.Single(db.Search("c", Vector(Dim, 9_999), 1)).Record.Id);
        }
    }

    private static AgentDatabaseOptions GraphOptions() => new()
    {
        LogPageSizeBits = 20,
        LogMemorySizeBits = 22,
        MaxPayloadBytes = 64 * 1024,
        HnswThreshold = Threshold,
    };
}
