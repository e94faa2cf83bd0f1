using AgentDb.Engine.Tests.Support;
using AgentDb.Kernels;
using static AgentDb.Engine.Tests.Storage.DatabaseTestHelpers;

namespace AgentDb.Engine.Tests.Storage;

/// <summary>
/// The HNSW tier's segments across checkpoints, reopens, corruption, backups and restores: a low
/// <see cref="AgentDatabaseOptions.HnswThreshold"/> puts small collections in the graph tier.
/// </summary>
public sealed class IndexPersistenceTests
{
    private const int Dim = 16;
    private const int Count = 1_200;
    private const int Threshold = 300;

    [Fact]
    public void Checkpoint_ThenReopen_LoadsTheSegments_AndSearchesExactlyAsBefore()
    {
        using var dir = new TempDirectory();
        var warnings = new List<string>();
        List<(string Id, float Distance)[]> before;
        using (var db = AgentDatabase.Open(dir.Path, GraphOptions(warnings)))
        {
            db.CreateCollection("c", Dim, DistanceMetric.L2Squared);
            Fill(db, "c", 0, Count);
            db.Checkpoint();
            CollectionStats stats = Assert.Single(db.GetStats().Collections);
            Assert.Equal(1, stats.IndexSegments);
            before = SearchAll(db, "c");
        }

        using (var db = AgentDatabase.Open(dir.Path, GraphOptions(warnings)))
        {
            CollectionStats stats = Assert.Single(db.GetStats().Collections);
            Assert.Equal(Count, stats.VectorsFromSegments);
            Assert.Equal(0, stats.VectorsRebuilt);
            Assert.Equal(Count, stats.IndexedVectors);

            // The loaded segment is the graph that answered before: the same hits at the same distances.
            List<(string Id, float Distance)[]> after = SearchAll(db, "c");
            for (int q = 0; q < before.Count; q++)
            {
                Assert.Equal(before[q], after[q]);
            }
        }

        Assert.Empty(warnings);
    }

    [Fact]
    public void Reopen_FromSegments_HasTheRecallOfAFreshRebuild()
    {
        using var dir = new TempDirectory();
        using (var db = AgentDatabase.Open(dir.Combine("db"), GraphOptions()))
        {
            db.CreateCollection("c", Dim, DistanceMetric.Cosine);
            Fill(db, "c", 0, Count);
            db.Checkpoint();
        }

        CopyDirectory(dir.Combine("db"), dir.Combine("rebuilt"));
        Directory.Delete(Path.Combine(dir.Combine("rebuilt"), "index"), recursive: true);

        using var loaded = AgentDatabase.Open(dir.Combine("db"), GraphOptions());
        using var rebuilt = AgentDatabase.Open(dir.Combine("rebuilt"), GraphOptions());
        Assert.Equal(Count, loaded.GetStats().Collections[0].VectorsFromSegments);
        Assert.Equal(Count, rebuilt.GetStats().Collections[0].VectorsRebuilt);
        double loadedRecall = Recall(loaded, DistanceMetric.Cosine);
        double rebuiltRecall = Recall(rebuilt, DistanceMetric.Cosine);
        Assert.True(loadedRecall >= 0.95, $"recall@10 from segments {loadedRecall:F3}");
        Assert.True(rebuiltRecall >= 0.95, $"recall@10 after a rebuild {rebuiltRecall:F3}");
    }

    [Fact]
    public void UpdatesDeletesAndStrippedVectors_AfterACheckpoint_AreReflectedAfterReopen()
    {
        using var dir = new TempDirectory();
        using (var db = AgentDatabase.Open(dir.Path, GraphOptions()))
        {
            db.CreateCollection("c", Dim, DistanceMetric.L2Squared);
            Fill(db, "c", 0, Count);
            db.Checkpoint();
            Mutate(db);
        }

        using (var db = AgentDatabase.Open(dir.Path, GraphOptions()))
        {
            CollectionStats stats = Assert.Single(db.GetStats().Collections);
            Assert.Equal(0, stats.VectorsRebuilt); // closing wrote the changes as a second segment with tombstones
            Assert.Equal(2, stats.IndexSegments);
            VerifyMutated(db);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Restore_OfABackupTakenAfterChanges_LoadsTheCheckpointSegments_AndCatchesUpFromTheRecords(bool loseTombstones)
    {
        using var dir = new TempDirectory();
        BackupInfo backup;
        long segmentLsn;
        using (var db = AgentDatabase.Open(dir.Combine("db"), GraphOptions()))
        {
            db.CreateCollection("c", Dim, DistanceMetric.L2Squared);
            Fill(db, "c", 0, Count);
            db.Checkpoint();
            segmentLsn = db.GetStats().AppliedLsn;
            Mutate(db);
            backup = db.Backup(dir.Combine("backup"));
            Assert.True(backup.AppliedLsn > segmentLsn);
        }

        Assert.True(File.Exists(Path.Combine(backup.Directory, "index", CollectionDirectory(dir.Combine("db")), "segments.manifest")));
        AgentDatabase.Restore(backup.Directory, dir.Combine("restored"));
        if (loseTombstones)
        {
            // As after a power cut before the tombstone appends reached the disk: only the records' LSNs tell what changed.
            foreach (string tombstones in Directory.GetFiles(Path.Combine(dir.Combine("restored"), "index"), "*.deleted", SearchOption.AllDirectories))
            {
                File.Delete(tombstones);
            }
        }

        var warnings = new List<string>();
        using var restored = AgentDatabase.Open(dir.Combine("restored"), GraphOptions(warnings));
        Assert.Empty(warnings);
        CollectionStats stats = Assert.Single(restored.GetStats().Collections);

        // Kept from the segment: the records untouched since the checkpoint. Inserted: those written after it.
        int untouched = Count - Updated - Deleted - Stripped;
        Assert.Equal(untouched, stats.VectorsFromSegments);
        Assert.Equal(Updated + Added, stats.VectorsRebuilt);
        VerifyMutated(restored);
    }

    [Fact]
    public void CorruptedSegment_IsReported_AndTheIndexIsRebuiltFromTheRecords()
    {
        using var dir = new TempDirectory();
        using (var db = AgentDatabase.Open(dir.Path, GraphOptions()))
        {
            db.CreateCollection("c", Dim, DistanceMetric.L2Squared);
            Fill(db, "c", 0, Count);
            db.Checkpoint();
        }

        string segment = Assert.Single(Directory.GetFiles(Path.Combine(dir.Path, "index", CollectionDirectory(dir.Path)), "*.hnsw"));
        using (var file = new FileStream(segment, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = 256 + 100; // inside the vectors block: only its checksum can tell
            int value = file.ReadByte();
            file.Position--;
            file.WriteByte((byte)(value ^ 0x10));
        }

        var warnings = new List<string>();
        using var reopened = AgentDatabase.Open(dir.Path, GraphOptions(warnings));
        string warning = Assert.Single(warnings);
        Assert.Contains("checksum", warning, StringComparison.Ordinal);
        Assert.Contains("rebuilding", warning, StringComparison.Ordinal);
        CollectionStats stats = Assert.Single(reopened.GetStats().Collections);
        Assert.Equal(0, stats.VectorsFromSegments);
        Assert.Equal(Count, stats.VectorsRebuilt);
        for (int i = 0; i < Count; i += 7)
        {
            SearchResult hit = Assert.Single(reopened.Search("c", Vector(Dim, i), 1));
            Assert.Equal($"r{i}", hit.Record.Id);
        }
    }

    [Fact]
    public void SegmentsOfAnotherDimension_AreRefused_AndTheIndexIsRebuilt()
    {
        using var dir = new TempDirectory();
        using (var db = AgentDatabase.Open(dir.Path, GraphOptions()))
        {
            db.CreateCollection("wide", Dim, DistanceMetric.L2Squared);
            db.CreateCollection("narrow", 8, DistanceMetric.L2Squared);
            Fill(db, "wide", 0, Count);
            var batch = new RecordBatch();
            for (int i = 0; i < Count; i++)
            {
                batch.Upsert("narrow", $"n{i}", Payload("n", "s"), Vector(8, 50_000 + i));
            }

            db.Batch(batch);
        }

        // Put the wide collection's segments where the narrow one's belong.
        string[] collections = Directory.GetDirectories(Path.Combine(dir.Path, "index"));
        Assert.Equal(2, collections.Length);
        Array.Sort(collections, StringComparer.Ordinal); // c{create LSN}: "wide" was created first
        Directory.Delete(collections[1], recursive: true);
        CopyDirectory(collections[0], collections[1]);

        var warnings = new List<string>();
        using var reopened = AgentDatabase.Open(dir.Path, GraphOptions(warnings));
        string warning = Assert.Single(warnings);
        Assert.Contains("'narrow'", warning, StringComparison.Ordinal);
        Assert.Contains("dimension", warning, StringComparison.Ordinal);
        CollectionStats narrow = reopened.GetStats().Collections.Single(c => c.Name == "narrow");
        Assert.Equal(Count, narrow.VectorsRebuilt);
        Assert.Equal("n5", reopened.Search("narrow", Vector(8, 50_005), 1)[0].Record.Id);
    }

    [Fact]
    public void Checkpoint_AfterManyDeletes_CompactsTheSegments_AndDeletedRecordsStayGone()
    {
        using var dir = new TempDirectory();
        using (var db = AgentDatabase.Open(dir.Path, GraphOptions()))
        {
            db.CreateCollection("c", Dim, DistanceMetric.L2Squared);
            Fill(db, "c", 0, Count);
            db.Checkpoint();
            for (int i = 0; i < Count; i += 3)
            {
                Assert.True(db.Delete("c", $"r{i}"));
            }

            db.Checkpoint();
            Assert.Equal(1, db.GetStats().IndexCompactions);
            Assert.Equal(1, db.GetStats().Collections[0].IndexSegments);
            AssertDeletedNeverReturned(db);
        }

        using (var db = AgentDatabase.Open(dir.Path, GraphOptions()))
        {
            Assert.Equal(Count - ((Count + 2) / 3), db.GetStats().Collections[0].VectorsFromSegments);
            AssertDeletedNeverReturned(db);
        }

        static void AssertDeletedNeverReturned(AgentDatabase db)
        {
            for (int i = 0; i < Count; i += 3)
            {
                foreach (SearchResult hit in db.Search("c", Vector(Dim, i), 10))
                {
                    Assert.NotEqual(0, int.Parse(hit.Record.Id.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture) % 3);
                }
            }
        }
    }

    [Fact]
    public void DropCollection_RemovesItsSegments()
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, GraphOptions());
        db.CreateCollection("c", Dim, DistanceMetric.L2Squared);
        Fill(db, "c", 0, Count);
        db.Checkpoint();
        string collection = Path.Combine(dir.Path, "index", CollectionDirectory(dir.Path));
        Assert.True(Directory.Exists(collection));
        Assert.True(db.DropCollection("c"));
        Assert.False(Directory.Exists(collection));
    }

    [Fact]
    public void SmallCollections_StayExact_AndWriteNoSegments()
    {
        using var dir = new TempDirectory();
        using (var db = AgentDatabase.Open(dir.Path, GraphOptions()))
        {
            db.CreateCollection("c", Dim, DistanceMetric.L2Squared);
            Fill(db, "c", 0, Threshold - 1);
            db.Checkpoint();
            Assert.Equal(0, db.GetStats().Collections[0].IndexSegments);
        }

        Assert.True(!Directory.Exists(Path.Combine(dir.Path, "index")) || Directory.GetFileSystemEntries(Path.Combine(dir.Path, "index")).Length == 0);
        using var reopened = AgentDatabase.Open(dir.Path, GraphOptions());
        Assert.Equal(Threshold - 1, reopened.GetStats().Collections[0].VectorsRebuilt);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Open_WithAThresholdBelowOne_Throws(int threshold)
    {
        using var dir = new TempDirectory();
        ArgumentException error = Assert.Throws<ArgumentException>(() => AgentDatabase.Open(dir.Path, new AgentDatabaseOptions { HnswThreshold = threshold }));
        Assert.Contains("HnswThreshold", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheThresholdOption_DecidesWhenACollectionMovesToTheGraph()
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options());
        db.CreateCollection("c", Dim, DistanceMetric.L2Squared);
        Fill(db, "c", 0, Threshold);
        db.Checkpoint();
        Assert.Equal(0, db.GetStats().Collections[0].IndexSegments); // the default (20,000) is far away

        using var dir2 = new TempDirectory();
        using var low = AgentDatabase.Open(dir2.Path, GraphOptions());
        low.CreateCollection("c", Dim, DistanceMetric.L2Squared);
        Fill(low, "c", 0, Threshold);
        low.Checkpoint();
        Assert.Equal(1, low.GetStats().Collections[0].IndexSegments);
    }

    private const int Updated = 100;
    private const int Deleted = 100;
    private const int Stripped = 20;
    private const int Added = 50;

    /// <summary>Updates r0–r99 to new vectors, deletes r100–r199, strips the vector of r200–r219, adds r{Count}…</summary>
    private static void Mutate(AgentDatabase db)
    {
        for (int i = 0; i < Updated; i++)
        {
            db.Upsert("c", $"r{i}", Payload("n", "s"), Vector(Dim, 900_000 + i));
        }

        for (int i = Updated; i < Updated + Deleted; i++)
        {
            Assert.True(db.Delete("c", $"r{i}"));
        }

        for (int i = Updated + Deleted; i < Updated + Deleted + Stripped; i++)
        {
            db.Upsert("c", $"r{i}", Payload("n", "s"));
        }

        Fill(db, "c", Count, Added);
    }

    private static void VerifyMutated(AgentDatabase db)
    {
        Assert.Equal(Count - Deleted - Stripped + Added, db.GetStats().Collections[0].IndexedVectors);
        for (int i = 0; i < Updated; i++)
        {
            // The new vector finds the record; the old one does not find it at distance 0 any more.
            SearchResult hit = Assert.Single(db.Search("c", Vector(Dim, 900_000 + i), 1));
            Assert.Equal($"r{i}", hit.Record.Id);
            Assert.Equal(0f, hit.Distance);
            SearchResult old = Assert.Single(db.Search("c", Vector(Dim, i), 1));
            Assert.False(old.Record.Id == $"r{i}" && old.Distance == 0f, $"r{i} is still found at its old vector");
        }

        for (int i = Updated; i < Updated + Deleted + Stripped; i++)
        {
            foreach (SearchResult hit in db.Search("c", Vector(Dim, i), 5))
            {
                Assert.NotEqual($"r{i}", hit.Record.Id);
            }
        }

        for (int i = Count; i < Count + Added; i++)
        {
            Assert.Equal($"r{i}", Assert.Single(db.Search("c", Vector(Dim, i), 1)).Record.Id);
        }

        for (int i = Updated + Deleted + Stripped; i < Count; i += 11)
        {
            Assert.Equal($"r{i}", Assert.Single(db.Search("c", Vector(Dim, i), 1)).Record.Id);
        }
    }

    private static AgentDatabaseOptions GraphOptions(List<string>? warnings = null) => new()
    {
        LogPageSizeBits = 20,
        LogMemorySizeBits = 22,
        MaxPayloadBytes = 64 * 1024,
        HnswThreshold = Threshold,
        Warning = warnings is null ? null : message =>
        {
            lock (warnings)
            {
                warnings.Add(message);
            }
        },
    };

    private static void Fill(AgentDatabase db, string collection, int first, int count)
    {
        var batch = new RecordBatch();
        for (int i = first; i < first + count; i++)
        {
            batch.Upsert(collection, $"r{i}", Payload("n", i % 2 == 0 ? "even" : "odd"), Vector(Dim, i));
            if (batch.Count == 200)
            {
                db.Batch(batch);
                batch.Clear();
            }
        }

        db.Batch(batch);
    }

    private static List<(string Id, float Distance)[]> SearchAll(AgentDatabase db, string collection)
    {
        var results = new List<(string, float)[]>();
        for (int q = 0; q < 40; q++)
        {
            results.Add(db.Search(collection, Vector(Dim, 700_000 + q), 10).Select(h => (h.Record.Id, h.Distance)).ToArray());
        }

        return results;
    }

    private static double Recall(AgentDatabase db, DistanceMetric metric)
    {
        var all = db.ScanRange("c", null, null, 100_000);
        double total = 0;
        const int queries = 40;
        for (int q = 0; q < queries; q++)
        {
            float[] query = Vector(Dim, 700_000 + q);
            var exact = all.OrderBy(r => Reference(metric, query, r.Vector!)).Take(10).Select(r => r.Id).ToHashSet();
            total += db.Search("c", query, 10).Count(h => exact.Contains(h.Record.Id)) / 10.0;
        }

        return total / queries;
    }

    private static double Reference(DistanceMetric metric, float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0, l2 = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
            l2 += (a[i] - b[i]) * (a[i] - b[i]);
        }

        return metric switch
        {
            DistanceMetric.Cosine => 1 - (dot / Math.Sqrt(na * nb)),
            DistanceMetric.L2Squared => l2,
            _ => -dot,
        };
    }

    /// <summary>The index directory name of the database's only (or first) collection.</summary>
    private static string CollectionDirectory(string databasePath) =>
        Path.GetFileName(Directory.GetDirectories(Path.Combine(databasePath, "index")).Order(StringComparer.Ordinal).First());

    private static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (string file in Directory.GetFiles(source))
        {
            if (Path.GetFileName(file) != "LOCK")
            {
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
            }
        }

        foreach (string directory in Directory.GetDirectories(source))
        {
            CopyDirectory(directory, Path.Combine(target, Path.GetFileName(directory)));
        }
    }
}
