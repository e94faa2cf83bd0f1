using System.Text;
using AgentDb.Engine.Tests.Support;
using AgentDb.Kernels;
using static AgentDb.Engine.Tests.Storage.DatabaseTestHelpers;

namespace AgentDb.Engine.Tests.Storage;

/// <summary><see cref="AgentDatabase.TryRead{TVisitor}"/>: the record in place, equal to what <see cref="AgentDatabase.TryGet"/> materialises.</summary>
public sealed class TryReadTests
{
    private const int Dim = 8;

    [Fact]
    public void TryRead_ShowsTheSameRecordAsTryGet_FromTheMemtableAndAfterAFlush()
    {
        using var dir = new TempDirectory();
        for (int pass = 0; pass < 2; pass++)
        {
            using var db = AgentDatabase.Open(dir.Path, Options());
            if (pass == 0)
            {
                db.CreateCollection("c", Dim, DistanceMetric.L2Squared);
                db.Upsert("c", "with-vector", Payload("n", "s", "t"), Vector(Dim, 1));
                db.Upsert("c", "no-vector", Payload("n", "s"));
                db.Upsert("c", "ünïcode", Payload("n", "u"), Vector(Dim, 2));
            }

            // Pass 0 reads the memtable; pass 1, after a clean close flushed it, the table files.
            foreach (string id in new[] { "with-vector", "no-vector", "ünïcode" })
            {
                Assert.True(db.TryGet("c", id, out StoredRecord? expected));
                var copy = new CopyingVisitor();
                Assert.True(db.TryRead("c", Encoding.UTF8.GetBytes(id), ref copy));
                Assert.Equal(1, copy.Calls);
                Assert.Equal(id, copy.Id);
                Assert.Equal(expected.Payload, copy.Payload);
                Assert.Equal(expected.Vector ?? [], copy.Vector);
                Assert.Equal(expected.Vector is null ? 0 : Dim, copy.Dimension);
                Assert.Equal((expected.Lsn, expected.CreatedUnixMs, expected.UpdatedUnixMs), (copy.Lsn, copy.Created, copy.Updated));
            }
        }
    }

    [Fact]
    public void Reads_FromTableFiles_SeeEveryLaterWrite_ThroughTheRowCache()
    {
        using var dir = new TempDirectory();
        using (var db = AgentDatabase.Open(dir.Path, Options()))
        {
            db.CreateCollection("c", Dim, DistanceMetric.L2Squared);
            db.Upsert("c", "a", Payload("n", "v1"), Vector(Dim, 1));
        }

        using (var db = AgentDatabase.Open(dir.Path, Options()))
        {
            // The record is in a table file now: the first reads fill the row cache.
            Assert.Equal(Payload("n", "v1"), db.Get("c", "a")!.Payload);
            Assert.Equal(Payload("n", "v1"), ReadPayload(db, "a"));

            db.Upsert("c", "a", Payload("n", "v2"), Vector(Dim, 2));
            Assert.Equal(Payload("n", "v2"), ReadPayload(db, "a"));
            db.Checkpoint(); // v2 moves to a table file
            Assert.Equal(Payload("n", "v2"), ReadPayload(db, "a"));
            Assert.Equal(Payload("n", "v2"), db.Get("c", "a")!.Payload);

            db.Delete("c", "a");
            Assert.Null(db.Get("c", "a"));
            db.Checkpoint();
            Assert.Null(db.Get("c", "a"));
            var copy = new CopyingVisitor();
            Assert.False(db.TryRead("c", "a"u8, ref copy));
        }
    }

    private static byte[] ReadPayload(AgentDatabase db, string id)
    {
        var copy = new CopyingVisitor();
        Assert.True(db.TryRead("c", Encoding.UTF8.GetBytes(id), ref copy));
        return copy.Payload;
    }

    [Fact]
    public void TryRead_OfAMissingRecord_IsFalse_WithoutCallingTheVisitor()
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options());
        db.CreateCollection("c", Dim, DistanceMetric.L2Squared);
        db.Upsert("c", "a", Payload("n", "s"), Vector(Dim, 1));
        db.Delete("c", "a");

        var copy = new CopyingVisitor();
        Assert.False(db.TryRead("c", "a"u8, ref copy));
        Assert.False(db.TryRead("c", "never"u8, ref copy));
        Assert.Equal(0, copy.Calls);
    }

    [Fact]
    public void TryRead_LargeValue_IsShownWhole()
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options(maxPayload: 256 * 1024));
        db.CreateCollection("c", Dim, DistanceMetric.L2Squared);
        byte[] payload = new byte[200_000];
        new Random(3).NextBytes(payload);
        db.Upsert("c", "big", payload, Vector(Dim, 9));

        var copy = new CopyingVisitor();
        Assert.True(db.TryRead("c", "big"u8, ref copy));
        Assert.Equal(payload, copy.Payload);
        Assert.Equal(Vector(Dim, 9), copy.Vector);
    }

    [Fact]
    public void TryRead_BadIdOrUnknownCollection_Throws()
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options());
        db.CreateCollection("c", Dim, DistanceMetric.L2Squared);
        var copy = new CopyingVisitor();

        Assert.Throws<ArgumentException>(() => db.TryRead("c", ReadOnlySpan<byte>.Empty, ref copy));
        Assert.Throws<ArgumentException>(() => db.TryRead("c", new byte[AgentDatabase.MaxIdBytes + 1], ref copy));
        Assert.Throws<ArgumentException>(() => db.TryRead("c", [0xff, 0xfe], ref copy)); // not UTF-8
        Assert.Throws<CollectionNotFoundException>(() => db.TryRead("other", "a"u8, ref copy));
        Assert.Equal(0, copy.Calls);
    }

    private struct CopyingVisitor : IRecordVisitor
    {
        public int Calls;
        public string Id;
        public byte[] Payload;
        public float[] Vector;
        public int Dimension;
        public long Lsn;
        public long Created;
        public long Updated;

        public void Visit(scoped RecordView record)
        {
            Calls++;
            Id = Encoding.UTF8.GetString(record.IdUtf8);
            Payload = record.Payload.ToArray();
            Vector = record.Vector.ToArray();
            Dimension = record.Dimension;
            Lsn = record.Lsn;
            Created = record.CreatedUnixMs;
            Updated = record.UpdatedUnixMs;
        }
    }
}
