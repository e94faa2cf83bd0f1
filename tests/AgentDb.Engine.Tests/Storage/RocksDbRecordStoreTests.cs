using System.Text;
using AgentDb.Engine.Tests.Support;
using AgentDb.Kernels;
using AgentDb.Storage;

namespace AgentDb.Engine.Tests.Storage;

public sealed class RocksDbRecordStoreTests
{
    [Fact]
    public void Scan_StaysInsideItsBounds_AcrossCalls()
    {
        using var dir = new TempDirectory("agentdb-store");
        using RocksDbRecordStore store = RocksDbRecordStore.Open(dir.Path, new RecordStoreOptions { DisableWal = true });
        CollectionDescriptor collection = store.CreateCollection(1, "c", 2, DistanceMetric.L2Squared, 0, AgentDatabase.DefaultHnswM, AgentDatabase.DefaultHnswEfConstruction);
        string[] ids = ["a1", "a2", "b1", "b2", "c1"];
        var writes = new RecordWrite[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            writes[i] = Write(collection, ids[i]);
        }

        store.ApplyWrites(2, 10, writes, new RecordWriteOutcome[ids.Length]);
        for (int round = 0; round < 3; round++)
        {
            var results = new List<StoredRecord>();
            store.Scan(collection, "a2"u8, "c"u8, 10, results);
            Assert.Equal(["a2", "b1", "b2"], results.ConvertAll(r => r.Id));

            results.Clear();
            store.Scan(collection, "b"u8, default, 10, results); // open upper bound: must not run into the internal-id keys
            Assert.Equal(["b1", "b2", "c1"], results.ConvertAll(r => r.Id));

            results.Clear();
            store.Scan(collection, default, default, 2, results);
            Assert.Equal(["a1", "a2"], results.ConvertAll(r => r.Id));
        }
    }

    [Fact]
    public void ApplyWrites_LooksUpEveryWriteOfAnEntry_AcrossCollectionsHitsMissesAndDeletes()
    {
        // One entry of 300 writes (past the lookup's initial scratch size) alternating between two collections in
        // runs, plus a write to an unknown collection: each existing record keeps its internal id and creation time,
        // each new one takes the next id, deletes report what existed and the counts follow.
        using var dir = new TempDirectory("agentdb-store");
        using RocksDbRecordStore store = RocksDbRecordStore.Open(dir.Path, new RecordStoreOptions { DisableWal = true });
        CollectionDescriptor first = store.CreateCollection(1, "first", 2, DistanceMetric.L2Squared, 0, AgentDatabase.DefaultHnswM, AgentDatabase.DefaultHnswEfConstruction);
        CollectionDescriptor second = store.CreateCollection(2, "second", 2, DistanceMetric.L2Squared, 0, AgentDatabase.DefaultHnswM, AgentDatabase.DefaultHnswEfConstruction);
        var seed = new RecordWrite[100];
        for (int i = 0; i < seed.Length; i++)
        {
            seed[i] = Write(i % 2 == 0 ? first : second, "r" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture));
        }

        var seedOutcomes = new RecordWriteOutcome[seed.Length];
        store.ApplyWrites(3, 1_000, seed, seedOutcomes);
        Assert.All(seedOutcomes, o => Assert.False(o.Existed));

        // Runs of 7 writes per collection; ids r0000..r0299: the first 100 exist (in the collection of their parity).
        var writes = new List<RecordWrite>();
        var expectExisted = new List<bool>();
        for (int i = 0; i < 300; i++)
        {
            CollectionDescriptor target = (i / 7) % 2 == 0 ? first : second;
            string id = "r" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
            bool exists = i < 100 && ReferenceEquals(target, i % 2 == 0 ? first : second);
            RecordWriteKind kind = i % 5 == 0 ? RecordWriteKind.Delete : RecordWriteKind.Upsert;
            writes.Add(kind == RecordWriteKind.Delete
                ? new RecordWrite(target.Id, kind, Encoding.UTF8.GetBytes(id), default, default)
                : Write(target, id));
            expectExisted.Add(exists);
        }

        writes.Add(new RecordWrite(99, RecordWriteKind.Upsert, "ghost"u8.ToArray(), new byte[] { 0x80 }, new byte[8]));
        var outcomes = new RecordWriteOutcome[writes.Count];
        store.ApplyWrites(4, 2_000, writes.ToArray(), outcomes);

        long firstCount = 50;
        long secondCount = 50;
        for (int i = 0; i < 300; i++)
        {
            RecordWrite write = writes[i];
            Assert.True(outcomes[i].Applied);
            Assert.Equal(expectExisted[i], outcomes[i].Existed);
            int delta = write.Kind == RecordWriteKind.Delete ? (expectExisted[i] ? -1 : 0) : (expectExisted[i] ? 0 : 1);
            if (write.CollectionId == first.Id)
            {
                firstCount += delta;
            }
            else
            {
                secondCount += delta;
            }

            CollectionDescriptor target = write.CollectionId == first.Id ? first : second;
            bool found = store.TryGet(target, write.Id.Span, out StoredRecord? record);
            Assert.Equal(write.Kind == RecordWriteKind.Upsert, found);
            if (found)
            {
                // An existing record keeps its creation time and internal id; a new one is created by this entry.
                Assert.Equal(expectExisted[i] ? 1_000 : 2_000, record!.CreatedUnixMs);
                Assert.Equal(4, record.Lsn);
                if (expectExisted[i])
                {
                    Assert.Equal(seedOutcomes[i].InternalId, outcomes[i].InternalId);
                }
                else
                {
                    Assert.True(outcomes[i].InternalId > 50);
                }
            }
        }

        Assert.False(outcomes[^1].Applied); // the unknown collection's write is skipped, not looked up
        Assert.Equal(firstCount, first.RecordCount);
        Assert.Equal(secondCount, second.RecordCount);
    }

    [Fact]
    public void PrepareWrites_ChangesNothingVisible_UntilCommitPreparedWrites_WhichNeedsTheSameLsn()
    {
        using var dir = new TempDirectory("agentdb-store");
        using RocksDbRecordStore store = RocksDbRecordStore.Open(dir.Path, new RecordStoreOptions { DisableWal = true });
        CollectionDescriptor collection = store.CreateCollection(1, "c", 2, DistanceMetric.L2Squared, 0, AgentDatabase.DefaultHnswM, AgentDatabase.DefaultHnswEfConstruction);
        store.ApplyWrites(2, 10, [Write(collection, "old")], new RecordWriteOutcome[1]);
        Assert.True(store.TryGet(collection, "old"u8, out StoredRecord? before)); // cached now

        RecordWrite[] writes = [Write(collection, "new"), new RecordWrite(collection.Id, RecordWriteKind.Delete, "old"u8.ToArray(), default, default)];
        var outcomes = new RecordWriteOutcome[writes.Length];
        store.PrepareWrites(3, 20, writes, outcomes);
        Assert.False(outcomes[0].Existed);
        Assert.True(outcomes[1].Existed);
        Assert.Equal(2, store.AppliedLsn);
        Assert.Equal(1, collection.RecordCount);
        Assert.False(store.TryGet(collection, "new"u8, out _));
        Assert.True(store.TryGet(collection, "old"u8, out StoredRecord? still));
        Assert.Equal(before!.Lsn, still!.Lsn);
        Assert.Throws<InvalidOperationException>(() => store.CommitPreparedWrites(4, writes));

        store.CommitPreparedWrites(3, writes);
        Assert.Equal(3, store.AppliedLsn);
        Assert.Equal(1, collection.RecordCount);
        Assert.True(store.TryGet(collection, "new"u8, out StoredRecord? created));
        Assert.Equal(3, created!.Lsn);
        Assert.False(store.TryGet(collection, "old"u8, out _)); // the cached copy went with the delete

        // A prepared batch is written once, and another apply method drops one not yet written.
        Assert.Throws<InvalidOperationException>(() => store.CommitPreparedWrites(3, writes));
        store.PrepareWrites(4, 30, [Write(collection, "dropped")], new RecordWriteOutcome[1]);
        store.MarkApplied(5);
        Assert.Throws<InvalidOperationException>(() => store.CommitPreparedWrites(4, [Write(collection, "dropped")]));
        Assert.False(store.TryGet(collection, "dropped"u8, out _));
        Assert.Equal(5, store.AppliedLsn);
    }

    [Fact]
    public void AVersion1Store_HasItsIdMapMovedToItsOwnFamilyOnOpen_AndResolvesEveryInternalId()
    {
        // Version 1 kept the id map beside the records (0x02 + internal id in c{id}). More records than one move chunk.
        const int count = 5_000;
        using var dir = new TempDirectory("agentdb-store");
        using (RocksDbRecordStore store = RocksDbRecordStore.Open(dir.Path, new RecordStoreOptions { DisableWal = true }))
        {
            CollectionDescriptor collection = store.CreateCollection(1, "c", 2, DistanceMetric.L2Squared, 0, AgentDatabase.DefaultHnswM, AgentDatabase.DefaultHnswEfConstruction);
            var writes = new RecordWrite[count];
            for (int i = 0; i < count; i++)
            {
                writes[i] = Write(collection, Id(i));
            }

            store.ApplyWrites(2, 10, writes, new RecordWriteOutcome[count]);
            store.ApplyWrites(3, 20, [new RecordWrite(collection.Id, RecordWriteKind.Delete, Encoding.UTF8.GetBytes(Id(3)), default, default)], new RecordWriteOutcome[1]);
            store.Flush();
        }

        RewriteAsVersion1(dir.Path);
        Assert.Equal(count - 1, CountKeys(dir.Path, "c1", StorageKeys.LegacyInternalIdPrefix));

        using (RocksDbRecordStore store = RocksDbRecordStore.Open(dir.Path, new RecordStoreOptions { DisableWal = true }))
        {
            CollectionDescriptor collection = Assert.Single(store.Collections);
            for (int i = 0; i < count; i++)
            {
                bool found = store.TryGetByInternalId(collection, i + 1, out StoredRecord? record);
                Assert.Equal(i != 3, found);
                if (found)
                {
                    Assert.Equal(Id(i), record!.Id);
                }
            }

            var outcomes = new RecordWriteOutcome[1];
            store.ApplyWrites(4, 30, [Write(collection, "after")], outcomes);
            Assert.Equal(count + 1, outcomes[0].InternalId);
            Assert.True(store.TryGetByInternalId(collection, count + 1, out StoredRecord? after));
            Assert.Equal("after", after!.Id);
            store.Flush();
        }

        Assert.Equal(0, CountKeys(dir.Path, "c1", StorageKeys.LegacyInternalIdPrefix));
        Assert.Equal(count, CountKeys(dir.Path, "i1", prefix: null));
        Assert.Equal(2, ReadFormatVersion(dir.Path));

        static string Id(int i) => "r" + i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void AStoreOfAnUnknownVersion_IsRefused_NamingTheVersion()
    {
        using var dir = new TempDirectory("agentdb-store");
        RocksDbRecordStore.Open(dir.Path, new RecordStoreOptions { DisableWal = true }).Dispose();
        WithRaw(dir.Path, (db, families) => db.Put(StorageKeys.FormatKey, FormatValue(3), families["meta"]));

        var error = Assert.Throws<InvalidDataException>(() => RocksDbRecordStore.Open(dir.Path, new RecordStoreOptions { DisableWal = true }));
        Assert.Contains("format version 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DropCollection_DropsBothItsFamilies_AndOpenDropsAnOrphanedIdMap()
    {
        using var dir = new TempDirectory("agentdb-store");
        using (RocksDbRecordStore store = RocksDbRecordStore.Open(dir.Path, new RecordStoreOptions { DisableWal = true }))
        {
            CollectionDescriptor dropped = store.CreateCollection(1, "dropped", 2, DistanceMetric.L2Squared, 0, AgentDatabase.DefaultHnswM, AgentDatabase.DefaultHnswEfConstruction);
            store.CreateCollection(2, "kept", 2, DistanceMetric.L2Squared, 0, AgentDatabase.DefaultHnswM, AgentDatabase.DefaultHnswEfConstruction);
            store.ApplyWrites(3, 10, [Write(dropped, "a")], new RecordWriteOutcome[1]);
            Assert.True(store.DropCollection(4, dropped.Id));
        }

        Assert.Equal(["c2", "i2", "meta"], Families(dir.Path));

        // An id map left by a drop interrupted by a crash (its descriptor gone) is dropped on open.
        WithRaw(dir.Path, (db, _) => db.CreateColumnFamily(new RocksDbSharp.ColumnFamilyOptions(), "i9"));
        Assert.Contains("i9", Families(dir.Path));
        RocksDbRecordStore.Open(dir.Path, new RecordStoreOptions { DisableWal = true }).Dispose();
        Assert.Equal(["c2", "i2", "meta"], Families(dir.Path));
    }

    // Puts every id-map key back into the record family under 0x02, drops the id-map families and writes version 1:
    // the layout format version 1 wrote.
    private static void RewriteAsVersion1(string path) => WithRaw(path, (db, families) =>
    {
        foreach ((string name, RocksDbSharp.ColumnFamilyHandle handle) in families)
        {
            if (name[0] != 'i')
            {
                continue;
            }

            RocksDbSharp.ColumnFamilyHandle records = families["c" + name[1..]];
            using (RocksDbSharp.Iterator iterator = db.NewIterator(handle))
            {
                for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
                {
                    db.Put((byte[])[StorageKeys.LegacyInternalIdPrefix, .. iterator.Key()], iterator.Value(), records);
                }
            }

            db.DropColumnFamily(name);
        }

        db.Put(StorageKeys.FormatKey, FormatValue(1), families["meta"]);
    });

    private static byte[] FormatValue(ushort version)
    {
        byte[] value = new byte[6];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(value, 0x53424441);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(value.AsSpan(4), version);
        return value;
    }

    private static int ReadFormatVersion(string path)
    {
        int version = -1;
        WithRaw(path, (db, families) => version = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(db.Get(StorageKeys.FormatKey, families["meta"]).AsSpan(4)));
        return version;
    }

    private static int CountKeys(string path, string family, byte? prefix)
    {
        int count = 0;
        WithRaw(path, (db, families) =>
        {
            using RocksDbSharp.Iterator iterator = db.NewIterator(families[family]);
            for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
            {
                count += prefix is null || iterator.Key()[0] == prefix ? 1 : 0;
            }
        });
        return count;
    }

    private static List<string> Families(string path)
    {
        var names = new List<string>(RocksDbSharp.RocksDb.ListColumnFamilies(new RocksDbSharp.DbOptions(), path));
        names.Remove("default");
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    // Opens the store's directory with plain RocksDB (its own WAL on, so every change survives into the next open).
    private static void WithRaw(string path, Action<RocksDbSharp.RocksDb, Dictionary<string, RocksDbSharp.ColumnFamilyHandle>> action)
    {
        var options = new RocksDbSharp.DbOptions();
        var families = new RocksDbSharp.ColumnFamilies();
        foreach (string name in RocksDbSharp.RocksDb.ListColumnFamilies(options, path))
        {
            if (name != "default")
            {
                families.Add(name, new RocksDbSharp.ColumnFamilyOptions());
            }
        }

        using RocksDbSharp.RocksDb db = RocksDbSharp.RocksDb.Open(options, path, families);
        var handles = new Dictionary<string, RocksDbSharp.ColumnFamilyHandle>(StringComparer.Ordinal);
        foreach (RocksDbSharp.ColumnFamilies.Descriptor family in families)
        {
            handles[family.Name] = db.GetColumnFamily(family.Name);
        }

        action(db, handles);
    }

    private static RecordWrite Write(CollectionDescriptor collection, string id) =>
        new(collection.Id, RecordWriteKind.Upsert, Encoding.UTF8.GetBytes(id), new byte[] { 0x80 }, new byte[8]);
}
