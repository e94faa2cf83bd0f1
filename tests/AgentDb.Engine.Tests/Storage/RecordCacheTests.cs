using System.Text;
using AgentDb.Engine.Tests.Support;
using AgentDb.Kernels;
using AgentDb.Storage;
using static AgentDb.Engine.Tests.Storage.DatabaseTestHelpers;

namespace AgentDb.Engine.Tests.Storage;

/// <summary>
/// <see cref="RecordCache"/> on its own (tickets, bounds) and in front of the record store: a read never returns a value
/// older than an acknowledged write, however the cache was filled before.
/// </summary>
public sealed class RecordCacheTests
{
    private const int Dim = 4;

    [Fact]
    public void AddedValue_IsReturned_UntilInvalidated()
    {
        var cache = new RecordCache(1 << 20);
        byte[] key = Key(7, "a");

        Assert.Null(cache.TryGet(key, out long ticket));
        Assert.True(cache.TryAdd(key, [1, 2, 3], ticket));
        Assert.Equal(new byte[] { 1, 2, 3 }, cache.TryGet(key, out _));
        Assert.Null(cache.TryGet(Key(8, "a"), out _)); // another collection, same id

        cache.Invalidate(key);
        Assert.Null(cache.TryGet(key, out _));
        Assert.Equal(0, cache.Count);
        Assert.Equal(0, cache.CountedBytes);
    }

    [Fact]
    public void ValueKeptInTwoParts_IsReturnedAsTheSameBytes_AndCountedWhole()
    {
        var cache = new RecordCache(1 << 20);
        byte[] key = Key(7, "record-1");
        byte[] value = [1, 2, 3, 4, 5, 6, 7, 8, 9];

        Assert.Null(cache.TryGet(key, out long ticket));
        Assert.True(cache.TryAdd(key, value, 4, ticket));

        Assert.True(cache.TryGet(key, out ReadOnlySpan<byte> head, out ReadOnlySpan<byte> tail, out _));
        Assert.Equal(value[..4], head.ToArray());
        Assert.Equal(value[4..], tail.ToArray());
        Assert.Equal(value, cache.TryGet(key, out _));
        Assert.Equal(key.Length + value.Length + RecordCache.EntryOverheadBytes, cache.CountedBytes);

        Assert.Throws<ArgumentOutOfRangeException>(() => cache.TryAdd(Key(7, "b"), value, value.Length + 1, 0));
        cache.Invalidate(key);
        Assert.False(cache.TryGet(key, out _, out _, out _));
        Assert.Equal(0, cache.CountedBytes);
    }

    [Fact]
    public void Database_ReadsThroughTheSplitCache_ReturnTheWholeRecord()
    {
        // The store keeps header and payload apart from the vector: a cached read gives back both, as stored.
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options());
        db.CreateCollection("c", Dim, DistanceMetric.L2Squared);
        float[] vector = Vector(Dim, 5);
        db.Upsert("c", "a", Payload("n", "v1"), vector);
        for (int read = 0; read < 2; read++) // a miss that fills the cache, then a hit
        {
            Assert.True(db.TryGet("c", "a", out StoredRecord? record));
            Assert.Equal(Payload("n", "v1"), record.Payload);
            Assert.Equal(vector, record.Vector);
            Assert.Equal(Payload("n", "v1"), ReadPayload(db, "a"));
        }
    }

    [Fact]
    public void ValueReadBeforeAnInvalidation_IsNotAddedAfterIt()
    {
        var cache = new RecordCache(1 << 20);
        byte[] key = Key(1, "a");

        // A reader misses and reads the old value; a writer then writes and invalidates; the reader's add must fail.
        Assert.Null(cache.TryGet(key, out long staleTicket));
        cache.Invalidate(key);
        Assert.False(cache.TryAdd(key, [0xAA], staleTicket));
        Assert.Null(cache.TryGet(key, out _));

        // The same after a Clear (a dropped collection); a ticket taken afterwards works.
        Assert.Null(cache.TryGet(Key(1, "b"), out long beforeClear));
        cache.Clear();
        Assert.False(cache.TryAdd(Key(1, "b"), [0xBB], beforeClear));
        Assert.Null(cache.TryGet(key, out long afterClear));
        Assert.True(cache.TryAdd(key, [0xCC], afterClear));
        Assert.Equal(new byte[] { 0xCC }, cache.TryGet(key, out _));
    }

    [Fact]
    public void Budget_IsNeverExceeded_AndTooLargeValuesAreNotCached()
    {
        const long capacity = RecordCache.ShardCount * 4096L;
        var cache = new RecordCache(capacity);
        var value = new byte[200];
        for (int i = 0; i < 5_000; i++)
        {
            byte[] key = Key(1, $"record-{i}");
            Assert.Null(cache.TryGet(key, out long ticket));
            Assert.True(cache.TryAdd(key, value, ticket));
            Assert.True(cache.CountedBytes <= capacity, $"{cache.CountedBytes} bytes counted after {i + 1} adds");
        }

        Assert.InRange(cache.Count, 1, 5_000 - 1); // some were evicted, some stayed
        Assert.NotNull(cache.TryGet(Key(1, "record-4999"), out _)); // the newest is kept

        byte[] big = Key(1, "big");
        Assert.Null(cache.TryGet(big, out long bigTicket));
        Assert.False(cache.TryAdd(big, new byte[cache.MaxValueBytes + 1], bigTicket));
        Assert.Null(cache.TryGet(big, out _));
    }

    [Fact]
    public void RepeatedInvalidateAndRefill_OfOneKey_StaysCorrectAndBounded()
    {
        var cache = new RecordCache(RecordCache.ShardCount * 1024L);
        byte[] key = Key(3, "hot");
        for (int i = 0; i < 10_000; i++)
        {
            Assert.Null(cache.TryGet(key, out long ticket));
            Assert.True(cache.TryAdd(key, BitConverter.GetBytes(i), ticket));
            Assert.Equal(i, BitConverter.ToInt32(cache.TryGet(key, out _)));
            cache.Invalidate(key);
        }

        Assert.Equal(0, cache.Count);
        Assert.Equal(0, cache.CountedBytes);
    }

    [Fact]
    public void Database_ReadsAfterOverwriteDeleteAndDrop_SeeTheWrite_ThoughTheOldValueWasCached()
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options());
        db.CreateCollection("c", Dim, DistanceMetric.L2Squared);
        db.Upsert("c", "a", Payload("n", "v1"), Vector(Dim, 1));
        Assert.Equal(Payload("n", "v1"), ReadPayload(db, "a")); // cached now
        Assert.Equal(Payload("n", "v1"), ReadPayload(db, "a")); // from the cache

        db.Upsert("c", "a", Payload("n", "v2"), Vector(Dim, 2));
        Assert.Equal(Payload("n", "v2"), ReadPayload(db, "a"));
        Assert.Equal(Payload("n", "v2"), db.Get("c", "a")!.Payload);

        db.Delete("c", "a");
        var visitor = new LsnVisitor();
        Assert.False(db.TryRead("c", "a"u8, ref visitor));
        Assert.Null(db.Get("c", "a"));

        db.Upsert("c", "b", Payload("n", "old collection"), Vector(Dim, 3));
        Assert.Equal(Payload("n", "old collection"), ReadPayload(db, "b"));
        db.DropCollection("c");
        db.CreateCollection("c", Dim, DistanceMetric.L2Squared);
        Assert.False(db.TryRead("c", "b"u8, ref visitor));
        db.Upsert("c", "b", Payload("n", "new collection"), Vector(Dim, 4));
        Assert.Equal(Payload("n", "new collection"), ReadPayload(db, "b"));
    }

    [Fact]
    public void Database_ARecordRecreatedAfterADelete_IsReadFresh_ThoughItsPredecessorWasCached()
    {
        // A write of a record that did not exist invalidates nothing: this checks that no cached copy survives for it.
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options());
        db.CreateCollection("c", Dim, DistanceMetric.L2Squared);
        db.Upsert("c", "a", Payload("n", "v1"), Vector(Dim, 1));
        Assert.Equal(Payload("n", "v1"), ReadPayload(db, "a")); // cached now
        db.Batch(new RecordBatch().Delete("c", "a").Upsert("c", "other", Payload("n", "o"), Vector(Dim, 2)));
        Assert.Null(db.Get("c", "a"));

        var batch = new RecordBatch();
        for (int i = 0; i < 50; i++)
        {
            batch.Upsert("c", "n" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), Payload("n", "x"), Vector(Dim, 10 + i));
        }

        batch.Upsert("c", "a", Payload("n", "v2"), Vector(Dim, 3));
        db.Batch(batch);
        Assert.Equal(Payload("n", "v2"), ReadPayload(db, "a"));
        db.Upsert("c", "a", Payload("n", "v3"), Vector(Dim, 4)); // and an existing one is still invalidated
        Assert.Equal(Payload("n", "v3"), ReadPayload(db, "a"));
    }

    [Fact]
    public async Task Database_ConcurrentReaders_NeverSeeAVersionOlderThanTheLastAcknowledgedWrite()
    {
        const int writes = 400;
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options());
        db.CreateCollection("c", Dim, DistanceMetric.L2Squared);
        long acknowledged = db.Upsert("c", "hot", Payload("n", "0"), Vector(Dim, 0));
        using var done = new CancellationTokenSource();
        var violations = new List<string>();

        // Readers keep the record cached between writes; each compares what it reads with the LSN acknowledged
        // before its read started.
        var readers = new Task[2];
        for (int r = 0; r < readers.Length; r++)
        {
            readers[r] = Task.Run(() =>
            {
                // Bounded: the writer below is bounded and cancels; the count is a backstop.
                for (int i = 0; i < 10_000_000 && !done.IsCancellationRequested; i++)
                {
                    long floor = Volatile.Read(ref acknowledged);
                    var visitor = new LsnVisitor();
                    if (!db.TryRead("c", "hot"u8, ref visitor) || visitor.Lsn < floor)
                    {
                        lock (violations)
                        {
                            violations.Add($"read LSN {visitor.Lsn} after LSN {floor} was acknowledged");
                        }

                        return;
                    }
                }
            });
        }

        try
        {
            for (int i = 1; i <= writes; i++)
            {
                long lsn = await db.UpsertAsync("c", "hot", Payload("n", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Vector(Dim, i));
                Volatile.Write(ref acknowledged, lsn);
                var visitor = new LsnVisitor();
                Assert.True(db.TryRead("c", "hot"u8, ref visitor));
                Assert.Equal(lsn, visitor.Lsn); // the writer reads its own write
                if (i % 50 == 0)
                {
                    await Task.Yield();
                }
            }
        }
        finally
        {
            await done.CancelAsync();
            await Task.WhenAll(readers);
        }

        Assert.Empty(violations);
    }

    private static byte[] Key(long collectionId, string id)
    {
        byte[] idUtf8 = Encoding.UTF8.GetBytes(id);
        var key = new byte[sizeof(long) + idUtf8.Length];
        RecordCache.WriteKey(key, collectionId, idUtf8);
        return key;
    }

    /// <summary>The payload through TryRead, checked against TryGet (both go through the cache).</summary>
    private static byte[] ReadPayload(AgentDatabase db, string id)
    {
        byte[] inPlace = ReadPayloadInPlace(db, id);
        Assert.Equal(inPlace, db.Get("c", id)!.Payload);
        return inPlace;
    }

    private static byte[] ReadPayloadInPlace(AgentDatabase db, string id)
    {
        var visitor = new LsnVisitor();
        Assert.True(db.TryRead("c", Encoding.UTF8.GetBytes(id), ref visitor));
        return visitor.Payload;
    }

    private struct LsnVisitor : IRecordVisitor
    {
        public long Lsn;
        public byte[] Payload;

        public void Visit(scoped RecordView record)
        {
            Lsn = record.Lsn;
            Payload = record.Payload.ToArray();
        }
    }
}
