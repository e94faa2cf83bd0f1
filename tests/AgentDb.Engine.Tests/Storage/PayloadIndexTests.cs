using AgentDb.Engine.Tests.Support;
using AgentDb.Kernels;
using AgentDb.Log;
using AgentDb.Storage;
using MessagePack;
using static AgentDb.Engine.Tests.Replication.ReplicaTestHelpers;
using static AgentDb.Engine.Tests.Storage.DatabaseTestHelpers;

namespace AgentDb.Engine.Tests.Storage;

/// <summary>
/// Payload equality indexes (<see cref="AgentDatabase.CreatePayloadIndex"/>): maintained by every write, kept across
/// reopen and log replay, shipped to replicas, and answering filtered searches exactly as the unindexed path does.
/// </summary>
public sealed class PayloadIndexTests
{
    private const int Dim = 8;

    [Fact]
    public void CreatePayloadIndex_IsIdempotent_AndListed()
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options());
        db.CreateCollection("c", Dim, DistanceMetric.L2Squared);
        Assert.True(db.CreatePayloadIndex("c", "session"));
        Assert.False(db.CreatePayloadIndex("c", "session"));
        Assert.True(db.CreatePayloadIndex("c", "tags"));
        Assert.Equal(["session", "tags"], db.ListPayloadIndexes("c"));
        Assert.Equal(["session", "tags"], Assert.Single(db.ListCollections()).PayloadIndexes);
    }

    [Fact]
    public void CreatePayloadIndex_BadNames_Throw()
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options());
        db.CreateCollection("c", Dim, DistanceMetric.L2Squared);
        long before = db.GetStats().AppliedLsn;
        Assert.Throws<ArgumentException>(() => db.CreatePayloadIndex("c", ""));
        Assert.ThrowsAny<ArgumentException>(() => db.CreatePayloadIndex("c", null!));
        Assert.Throws<ArgumentException>(() => db.CreatePayloadIndex("c", "a\nb"));
        Assert.Throws<ArgumentException>(() => db.CreatePayloadIndex("c", new string('x', AgentDatabase.MaxPayloadIndexFieldBytes + 1)));
        Assert.Throws<ArgumentException>(() => db.CreatePayloadIndex("c", "\ud800"));
        Assert.Throws<ArgumentException>(() => db.CreatePayloadIndex("bad name", "session"));
        Assert.Throws<ArgumentException>(() => db.CreatePayloadIndex("", "session"));
        Assert.Throws<CollectionNotFoundException>(() => db.CreatePayloadIndex("missing", "session"));
        Assert.Equal(before, db.GetStats().AppliedLsn); // nothing was logged

        for (int i = 0; i < AgentDatabase.MaxPayloadIndexesPerCollection; i++)
        {
            Assert.True(db.CreatePayloadIndex("c", $"f{i}"));
        }

        Assert.Throws<ArgumentException>(() => db.CreatePayloadIndex("c", "one-too-many"));
        Assert.False(db.CreatePayloadIndex("c", "f0")); // an existing one is still just found

        db.CreateCollection("d", Dim, DistanceMetric.L2Squared);
        Assert.True(db.CreatePayloadIndex("d", new string('x', AgentDatabase.MaxPayloadIndexFieldBytes))); // the longest allowed
    }

    [Fact]
    public void Index_IsMaintained_AcrossUpsertUpdateDeleteAndBatch()
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options());
        db.CreateCollection("c", Dim, DistanceMetric.L2Squared);
        db.Upsert("c", "before", Doc("s1", ["a"]), Vector(Dim, 1)); // indexed by the creation scan
        db.CreatePayloadIndex("c", "session");
        db.CreatePayloadIndex("c", "tags");
        PayloadFieldIndex session = db.PayloadIndexOf("c", "session")!;
        PayloadFieldIndex tags = db.PayloadIndexOf("c", "tags")!;
        Assert.Equal(1, session.CountOf("s1"u8, contains: false));
        Assert.Equal(1, tags.CountOf("a"u8, contains: true));

        db.Upsert("c", "r1", Doc("s1", ["a", "b"]), Vector(Dim, 2));
        db.Upsert("c", "r2", Doc("s2", ["b"]), Vector(Dim, 3));
        db.Upsert("c", "novec", Doc("s2", []), default); // no vector: indexed, never a search hit
        Assert.Equal(2, session.CountOf("s1"u8, false));
        Assert.Equal(2, session.CountOf("s2"u8, false));
        Assert.Equal(2, tags.CountOf("b"u8, true));
        Assert.Equal(0, session.CountOf("a"u8, true)); // a string is not an array: no contains entry
        Assert.Equal(0, tags.CountOf("a"u8, false)); // nor an array an equality value

        // Update: the old values go, the new ones come.
        db.Upsert("c", "r1", Doc("s2", ["c"]), Vector(Dim, 2));
        Assert.Equal(1, session.CountOf("s1"u8, false));
        Assert.Equal(3, session.CountOf("s2"u8, false));
        Assert.Equal(1, tags.CountOf("a"u8, true));
        Assert.Equal(1, tags.CountOf("b"u8, true));
        Assert.Equal(1, tags.CountOf("c"u8, true));

        // An update to a payload without the field takes the record out.
        db.Upsert("c", "r2", MessagePackSerializer.Serialize(new Dictionary<string, object> { ["other"] = "x" }), Vector(Dim, 3));
        Assert.Equal(2, session.CountOf("s2"u8, false));
        Assert.Equal(0, tags.CountOf("b"u8, true));

        Assert.True(db.Delete("c", "before"));
        Assert.Equal(0, session.CountOf("s1"u8, false));
        Assert.Equal(0, tags.CountOf("a"u8, true));

        db.Batch(new RecordBatch()
            .Upsert("c", "b1", Doc("s3", ["x"]), Vector(Dim, 4))
            .Upsert("c", "b2", Doc("s3", ["x", "y"]), Vector(Dim, 5))
            .Delete("c", "r1"));
        Assert.Equal(2, session.CountOf("s3"u8, false));
        Assert.Equal(1, session.CountOf("s2"u8, false)); // only "novec" left
        Assert.Equal(0, tags.CountOf("c"u8, true));
        Assert.Equal(2, tags.CountOf("x"u8, true));
        Assert.Equal(["b1", "b2"], Ids(db.Search("c", Vector(Dim, 9), 10, PayloadFilter.Where("session", "s3"))).Order());

        db.Batch(new RecordBatch()
            .Upsert("c", "b1", Doc("s4", ["y"]), Vector(Dim, 4))
            .Delete("c", "b2"));
        Assert.Equal(0, session.CountOf("s3"u8, false));
        Assert.Equal(1, session.CountOf("s4"u8, false));
        Assert.Equal(0, tags.CountOf("x"u8, true));
        Assert.Equal(1, tags.CountOf("y"u8, true));

        Assert.Equal(["b1"], Ids(db.Search("c", Vector(Dim, 9), 10, PayloadFilter.Where("session", "s4"))));
        Assert.Equal(["b1"], Ids(db.Search("c", Vector(Dim, 9), 10, PayloadFilter.Contains("tags", "y"))));
        Assert.Empty(db.Search("c", Vector(Dim, 9), 10, PayloadFilter.Where("session", "s2"))); // only a record without a vector
        Assert.Empty(db.Search("c", Vector(Dim, 9), 10, PayloadFilter.Where("session", "nobody")));
    }

    [Fact]
    public void Index_SurvivesReopen_AndACheckpointThatTruncatesTheLog()
    {
        using var dir = new TempDirectory();
        using (var db = AgentDatabase.Open(dir.Path, Options()))
        {
            db.CreateCollection("c", Dim, DistanceMetric.L2Squared);
            db.CreatePayloadIndex("c", "session");
            for (int i = 0; i < 50; i++)
            {
                db.Upsert("c", $"r{i}", Doc($"s{i % 5}", []), Vector(Dim, i));
            }
        }

        using (var db = AgentDatabase.Open(dir.Path, Options()))
        {
            Assert.Equal(["session"], db.ListPayloadIndexes("c"));
            Assert.Equal(10, db.PayloadIndexOf("c", "session")!.CountOf("s3"u8, false));
            db.Delete("c", "r3");
            db.Checkpoint();
        }

        using (var db = AgentDatabase.Open(dir.Path, Options()))
        {
            Assert.Equal(["session"], db.ListPayloadIndexes("c"));
            Assert.Equal(9, db.PayloadIndexOf("c", "session")!.CountOf("s3"u8, false));
            Assert.False(db.CreatePayloadIndex("c", "session"));
            Assert.Equal(9, db.Search("c", Vector(Dim, 1), 100, PayloadFilter.Where("session", "s3")).Count);
        }
    }

    [Fact]
    public void Index_IsRebuilt_FromLogEntriesReplayedAfterACrash()
    {
        using var dir = new TempDirectory();
        long applied;
        long collectionId;
        using (var db = AgentDatabase.Open(dir.Path, Options()))
        {
            db.CreateCollection("c", Dim, DistanceMetric.L2Squared);
            collectionId = db.GetStats().AppliedLsn;
            db.Upsert("c", "r1", Doc("s1", []), Vector(Dim, 1));
            db.Upsert("c", "r2", Doc("s1", []), Vector(Dim, 2));
            applied = db.GetStats().AppliedLsn;
        }

        // Entries that reached the log but not the store: the index's creation, then writes after it.
        using (var log = FasterLogWriteAheadLog.Open(Path.Combine(dir.Path, "log"), new WriteAheadLogOptions { MinimumNextLsn = applied + 1 }))
        {
            byte[] create = new byte[64];
            int size = LogEntryCodec.EncodeCreatePayloadIndex(create, 1_700_000_000_000, collectionId, "session");
            log.Append(create.AsSpan(0, size));
            log.Append(Writes(collectionId, (RecordWriteKind.Upsert, "r3", "s1"), (RecordWriteKind.Delete, "r1", null), (RecordWriteKind.Upsert, "r2", "s2")));
            log.ForceCommit();
        }

        using (var db = AgentDatabase.Open(dir.Path, Options()))
        {
            Assert.Equal(applied + 2, db.GetStats().AppliedLsn);
            Assert.Equal(["session"], db.ListPayloadIndexes("c"));
            PayloadFieldIndex session = db.PayloadIndexOf("c", "session")!;
            Assert.Equal(1, session.CountOf("s1"u8, false));
            Assert.Equal(1, session.CountOf("s2"u8, false));
            Assert.Equal(["r3"], Ids(db.Search("c", Vector(Dim, 1), 10, PayloadFilter.Where("session", "s1"))));
        }
    }

    [Fact]
    public async Task Index_TravelsInTheLog_ToAReplica()
    {
        using var dir = new TempDirectory();
        using var primary = AgentDatabase.Open(dir.Combine("primary"), Options());
        using var replica = AgentDatabase.Open(dir.Combine("replica"), ReplicaOptions());
        primary.CreateCollection("c", Dim, DistanceMetric.L2Squared);
        primary.Upsert("c", "r1", Doc("s1", []), Vector(Dim, 1));
        primary.CreatePayloadIndex("c", "session");
        primary.Upsert("c", "r2", Doc("s1", []), Vector(Dim, 2));
        replica.ApplyReplicated(await ReadAll(primary));
        Assert.Equal(["session"], replica.ListPayloadIndexes("c"));
        Assert.Equal(2, replica.PayloadIndexOf("c", "session")!.CountOf("s1"u8, false));
    }

    [Fact]
    public void ExactTier_IndexedSearch_EqualsUnindexedSearch_OnRandomDataAndFilters()
    {
        using var dir = new TempDirectory();
        using var indexed = AgentDatabase.Open(dir.Combine("indexed"), Options());
        using var plain = AgentDatabase.Open(dir.Combine("plain"), Options());
        var random = new Random(11);
        foreach (AgentDatabase db in new[] { indexed, plain })
        {
            db.CreateCollection("c", Dim, DistanceMetric.L2Squared);
        }

        // Half the index is created before the writes, half after (the creation scan).
        indexed.CreatePayloadIndex("c", "session");
        Load(random, [indexed, plain], count: 10_000, sessions: 300, ids: 8_000); // some ids written twice: updates
        indexed.CreatePayloadIndex("c", "tags");
        indexed.CreatePayloadIndex("c", "namespace"); // "big" holds ~85% of the records (~5,700): above the candidate limit (4,096)
        Assert.True(indexed.PayloadIndexOf("c", "namespace")!.CountOf("big"u8, false) > 4_096);

        var queries = new Random(12);
        for (int q = 0; q < 200; q++)
        {
            PayloadFilter filter = RandomFilter(queries, sessions: 300);
            int k = queries.Next(1, 30);
            float[] vector = Vector(Dim, 100_000 + q);
            IReadOnlyList<SearchResult> expected = plain.Search("c", vector, k, filter);
            IReadOnlyList<SearchResult> actual = indexed.Search("c", vector, k, filter);
            Assert.Equal(Ids(expected), Ids(actual));
            Assert.Equal(Distances(expected), Distances(actual));
        }
    }

    [Fact]
    public void HnswTier_IndexedSearch_RecallAtLeastTheUnindexedPaths()
    {
        using var dir = new TempDirectory();
        AgentDatabaseOptions options = Options();
        options = new AgentDatabaseOptions
        {
            Durability = options.Durability,
            LogPageSizeBits = options.LogPageSizeBits,
            LogMemorySizeBits = options.LogMemorySizeBits,
            MaxPayloadBytes = options.MaxPayloadBytes,
            HnswThreshold = 500,
        };
        using var indexed = AgentDatabase.Open(dir.Combine("indexed"), options);
        using var plain = AgentDatabase.Open(dir.Combine("plain"), options);
        foreach (AgentDatabase db in new[] { indexed, plain })
        {
            db.CreateCollection("c", Dim, DistanceMetric.L2Squared, hnswM: 4, hnswEfConstruction: 16);
        }

        indexed.CreatePayloadIndex("c", "session");
        indexed.CreatePayloadIndex("c", "tags");
        indexed.CreatePayloadIndex("c", "namespace");
        Dictionary<string, (float[] Vector, byte[] Payload)> truth = Load(new Random(21), [indexed, plain], count: 12_000, sessions: 200, ids: 10_000);
        Assert.True(indexed.IndexOf("c").WaitForIndexing(TimeSpan.FromMinutes(2)));
        Assert.True(plain.IndexOf("c").WaitForIndexing(TimeSpan.FromMinutes(2)));
        Assert.True(indexed.IndexOf("c").UsesHnsw);
        Assert.True(indexed.PayloadIndexOf("c", "namespace")!.CountOf("big"u8, false) > 4_096); // both planner paths are taken

        var queries = new Random(22);
        int foundIndexed = 0;
        int foundPlain = 0;
        for (int q = 0; q < 150; q++)
        {
            PayloadFilter filter = RandomFilter(queries, sessions: 200);
            const int k = 10;
            float[] vector = Vector(Dim, 200_000 + q);
            HashSet<string> nearest = ExactFiltered(truth, vector, k, filter);
            IReadOnlyList<SearchResult> fromIndexed = indexed.Search("c", vector, k, filter, ef: 16);
            IReadOnlyList<SearchResult> fromPlain = plain.Search("c", vector, k, filter, ef: 16);
            Assert.All(fromIndexed, r => Assert.True(filter.Matches(r.Record.Payload)));
            foundIndexed += fromIndexed.Count(r => nearest.Contains(r.Record.Id));
            foundPlain += fromPlain.Count(r => nearest.Contains(r.Record.Id));
        }

        Assert.True(foundIndexed >= foundPlain, $"indexed found {foundIndexed} true neighbours, unindexed {foundPlain}");
    }

    [Fact]
    public void Filter_OnAFieldWithoutAnIndex_StillWorks()
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options());
        db.CreateCollection("c", Dim, DistanceMetric.L2Squared);
        db.CreatePayloadIndex("c", "session");
        Dictionary<string, (float[] Vector, byte[] Payload)> truth = Load(new Random(31), [db], count: 1_000, sessions: 20, ids: 1_000);
        foreach (PayloadFilter filter in new[] { PayloadFilter.Where("namespace", "small"), PayloadFilter.Contains("tags", "t3"), PayloadFilter.Where("missing", "x") })
        {
            float[] vector = Vector(Dim, 77);
            IReadOnlyList<SearchResult> results = db.Search("c", vector, 5, filter);
            Assert.Equal(ExactFiltered(truth, vector, 5, filter).Order(), Ids(results).Order());
        }
    }

    private static Dictionary<string, (float[] Vector, byte[] Payload)> Load(Random random, AgentDatabase[] databases, int count, int sessions, int ids)
    {
        var truth = new Dictionary<string, (float[] Vector, byte[] Payload)>();
        var batch = new RecordBatch();
        var inBatch = new HashSet<string>();
        for (int i = 0; i < count; i++)
        {
            string id = $"r{random.Next(ids)}";
            string gone = $"r{random.Next(ids)}";
            if (inBatch.Contains(id) || inBatch.Contains(gone) || batch.Count >= 200)
            {
                foreach (AgentDatabase db in databases)
                {
                    db.Batch(batch);
                }

                batch.Clear();
                inBatch.Clear();
            }

            string[] tags = new string[random.Next(0, 4)];
            for (int t = 0; t < tags.Length; t++)
            {
                tags[t] = $"t{random.Next(10)}";
            }

            byte[] payload = MessagePackSerializer.Serialize(new Dictionary<string, object>
            {
                ["namespace"] = random.Next(100) < 85 ? "big" : "small",
                ["session"] = $"s{random.Next(sessions)}",
                ["tags"] = tags,
            });
            float[] vector = Vector(Dim, random.Next());
            truth[id] = (vector, payload);
            batch.Upsert("c", id, payload, vector);
            inBatch.Add(id);
            if (random.Next(50) == 0 && gone != id)
            {
                batch.Delete("c", gone);
                inBatch.Add(gone);
                truth.Remove(gone);
            }
        }

        foreach (AgentDatabase db in databases)
        {
            db.Batch(batch);
        }

        return truth;
    }

    private static PayloadFilter RandomFilter(Random random, int sessions)
    {
        string session = $"s{random.Next(sessions + 5)}"; // sometimes a session nobody has
        return random.Next(6) switch
        {
            0 => PayloadFilter.Where("session", session),
            1 => PayloadFilter.Contains("tags", $"t{random.Next(11)}"),
            2 => PayloadFilter.Where("session", session).AndContains("tags", $"t{random.Next(10)}"),
            3 => PayloadFilter.Where("namespace", "big"),
            4 => PayloadFilter.Where("namespace", random.Next(2) == 0 ? "big" : "small").AndContains("tags", $"t{random.Next(10)}"),
            _ => PayloadFilter.Where("session", session).And("unindexed", "never"),
        };
    }

    private static HashSet<string> ExactFiltered(Dictionary<string, (float[] Vector, byte[] Payload)> truth, float[] query, int k, PayloadFilter filter) =>
        truth.Where(p => filter.Matches(p.Value.Payload))
            .OrderBy(p => Distance.Compute(DistanceMetric.L2Squared, query, p.Value.Vector))
            .Take(k)
            .Select(p => p.Key)
            .ToHashSet();

    private static byte[] Doc(string session, string[] tags) =>
        MessagePackSerializer.Serialize(new Dictionary<string, object> { ["session"] = session, ["tags"] = tags });

    private static string[] Ids(IReadOnlyList<SearchResult> results) => results.Select(r => r.Record.Id).ToArray();

    private static float[] Distances(IReadOnlyList<SearchResult> results) => results.Select(r => r.Distance).ToArray();

    private static byte[] Writes(long collectionId, params (RecordWriteKind Kind, string Id, string? Session)[] writes)
    {
        byte[] buffer = new byte[4096];
        int offset = LogEntryCodec.WriteHeader(buffer, LogOpCode.Writes, 1_700_000_000_000);
        offset += LogEntryCodec.WriteCount(buffer.AsSpan(offset), writes.Length);
        foreach ((RecordWriteKind kind, string id, string? session) in writes)
        {
            offset += LogEntryCodec.EncodeWrite(
                buffer.AsSpan(offset), kind, collectionId, System.Text.Encoding.UTF8.GetBytes(id),
                kind == RecordWriteKind.Upsert ? Doc(session!, []) : [], kind == RecordWriteKind.Upsert ? Vector(Dim, id.Length) : []);
        }

        return buffer[..offset];
    }
}
