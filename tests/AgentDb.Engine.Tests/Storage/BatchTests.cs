using AgentDb.Engine.Tests.Support;
using AgentDb.Kernels;
using AgentDb.Log;
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

    [Theory]
    [InlineData(DurabilityMode.Group)]
    [InlineData(DurabilityMode.Sync)]
    public async Task ConcurrentBatches_OnOverlappingIds_EndInLsnOrder_InTheRecordsAndTheVectorIndex(DurabilityMode mode)
    {
        // Writers apply in LSN order whether an entry's batch was prepared before its commit (its turn had come) or after.
        // Each write's payload and vector name its writer and round; for every id the state must be that of the write
        // with the highest LSN, with the count and the exact index agreeing.
        const int dim = 4;
        const int writers = 3;
        const int rounds = 40;
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options(mode));
        db.CreateCollection("c", dim, DistanceMetric.L2Squared);
        db.CreateCollection("d", dim, DistanceMetric.L2Squared);
        var last = new Dictionary<string, (long Lsn, float[]? Vector, byte[]? Payload)>();
        var tasks = new Task[writers];
        for (int w = 0; w < writers; w++)
        {
            int writer = w;
            tasks[w] = Task.Run(async () =>
            {
                var random = new Random(writer);
                for (int round = 0; round < rounds; round++)
                {
                    var batch = new RecordBatch();
                    var mine = new List<(string Key, float[]? Vector, byte[]? Payload)>();
                    foreach (int i in Enumerable.Range(0, 30).Select(_ => random.Next(40)).Distinct())
                    {
                        string collection = i % 3 == 0 ? "d" : "c";
                        string id = "id" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                        if (random.Next(5) == 0)
                        {
                            batch.Delete(collection, id);
                            mine.Add((collection + "/" + id, null, null));
                        }
                        else
                        {
                            float[] vector = [writer, round, i, 1f];
                            byte[] payload = Payload("w" + writer.ToString(System.Globalization.CultureInfo.InvariantCulture), round.ToString(System.Globalization.CultureInfo.InvariantCulture));
                            batch.Upsert(collection, id, payload, vector);
                            mine.Add((collection + "/" + id, vector, payload));
                        }
                    }

                    long lsn = round % 2 == 0 ? db.Batch(batch) : await db.BatchAsync(batch);
                    lock (last)
                    {
                        foreach ((string key, float[]? vector, byte[]? payload) in mine)
                        {
                            if (!last.TryGetValue(key, out var seen) || seen.Lsn < lsn)
                            {
                                last[key] = (lsn, vector, payload);
                            }
                        }
                    }
                }
            });
        }

        await Task.WhenAll(tasks);
        foreach (string collection in new[] { "c", "d" })
        {
            var live = last.Where(p => p.Key.StartsWith(collection + "/", StringComparison.Ordinal) && p.Value.Vector is not null).ToList();
            Assert.Equal(live.Count, db.Count(collection));
            foreach (var (key, value) in last.Where(p => p.Key.StartsWith(collection + "/", StringComparison.Ordinal)))
            {
                string id = key[(collection.Length + 1)..];
                StoredRecord? record = db.Get(collection, id);
                if (value.Vector is null)
                {
                    Assert.Null(record);
                    continue;
                }

                Assert.NotNull(record);
                Assert.Equal(value.Lsn, record.Lsn);
                Assert.Equal(value.Payload, record.Payload);
                IReadOnlyList<SearchResult> hits = db.Search(collection, value.Vector, 1);
                Assert.Equal(id, hits[0].Record.Id);
                Assert.Equal(0f, hits[0].Distance);
            }

            // The index holds exactly the live records: a search for all of them returns each once.
            IReadOnlyList<SearchResult> all = db.Search(collection, [0f, 0f, 0f, 1f], 1_000);
            Assert.Equal(live.Count, all.Count);
        }
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
