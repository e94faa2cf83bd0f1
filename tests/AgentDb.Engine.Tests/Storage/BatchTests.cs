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

    [Fact]
    public async Task PipelinedBatches_AreFoundByIdAndBySearchWhenAcknowledged_WhileCheckpointsAndCreatesRunBetweenThem()
    {
        // Up to four BatchAsync in flight: an entry's RocksDB write overlaps the previous entry's index update, and a
        // checkpoint or a collection create (which apply alone) can come between any two. When a batch is acknowledged
        // it must be visible by id and by search; after a reopen every record and vector must be there, and no index
        // segment may be refused (a checkpoint sealed exactly the entries it had applied).
        const int dim = 4;
        const int batches = 60;
        const int perBatch = 20;
        using var dir = new TempDirectory();
        var warnings = new List<string>();
        var options = new AgentDatabaseOptions
        {
            Durability = DurabilityMode.Group,
            LogPageSizeBits = 20,
            LogMemorySizeBits = 22,
            MaxPayloadBytes = 64 * 1024,
            HnswThreshold = 300, // the graph tier, with segments sealed by the checkpoints
            Warning = w =>
            {
                lock (warnings)
                {
                    warnings.Add(w);
                }
            },
        };
        var vectors = new Dictionary<string, float[]>();
        using (var db = AgentDatabase.Open(dir.Path, options))
        {
            db.CreateCollection("c", dim, DistanceMetric.L2Squared);
            using var stop = new CancellationTokenSource();
            Task barriers = Task.Run(async () =>
            {
                for (int n = 0; !stop.IsCancellationRequested && n < 400; n++)
                {
                    if (n % 5 == 0)
                    {
                        db.CreateCollection("x" + n.ToString(System.Globalization.CultureInfo.InvariantCulture), dim, DistanceMetric.L2Squared);
                    }
                    else
                    {
                        db.Checkpoint();
                    }

                    await Task.Delay(2);
                }
            });

            var pending = new Queue<(ValueTask<long> Ack, string Probe)>();
            for (int b = 0; b < batches; b++)
            {
                if (pending.Count == 4)
                {
                    await CheckAcknowledged(db, pending.Dequeue(), vectors);
                }

                var batch = new RecordBatch();
                string probe = string.Empty;
                for (int i = 0; i < perBatch; i++)
                {
                    string id = "b" + b.ToString("D3", System.Globalization.CultureInfo.InvariantCulture) + "-" + i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture);
                    float[] vector = [b, i, b * 0.5f, 1f];
                    vectors[id] = vector;
                    batch.Upsert("c", id, Payload("n", "s"), vector);
                    probe = id;
                }

                pending.Enqueue((db.BatchAsync(batch), probe));
            }

            while (pending.Count > 0)
            {
                await CheckAcknowledged(db, pending.Dequeue(), vectors);
            }

            await stop.CancelAsync();
            await barriers.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(batches * perBatch, db.Count("c"));
        }

        using (var db = AgentDatabase.Open(dir.Path, options))
        {
            Assert.Equal(batches * perBatch, db.Count("c"));
            foreach ((string id, float[] vector) in vectors)
            {
                Assert.Equal(vector, db.Get("c", id)!.Vector);
            }
        }

        Assert.Empty(warnings);

        static async Task CheckAcknowledged(AgentDatabase db, (ValueTask<long> Ack, string Probe) acknowledged, Dictionary<string, float[]> vectors)
        {
            long lsn = await acknowledged.Ack;
            Assert.True(db.VisibleLsn >= lsn, $"acknowledged LSN {lsn} but visible {db.VisibleLsn}");
            Assert.NotNull(db.Get("c", acknowledged.Probe));
            IReadOnlyList<SearchResult> hits = db.Search("c", vectors[acknowledged.Probe], 1, ef: 400);
            Assert.Equal(acknowledged.Probe, Assert.Single(hits).Record.Id);
        }
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
