using AgentDb.Engine.Tests.Support;
using AgentDb.Kernels;
using AgentDb.Log;
using AgentDb.Storage;
using static AgentDb.Engine.Tests.Storage.DatabaseTestHelpers;

namespace AgentDb.Engine.Tests.Storage;

public sealed class ReplayTests
{
    [Fact]
    public void Open_ReplaysLogEntriesAboveTheAppliedLsn_IntoStoreAndIndex()
    {
        using var dir = new TempDirectory();
        long applied;
        long collectionId;
        using (var db = AgentDatabase.Open(dir.Path, Options()))
        {
            db.CreateCollection("c", 2, DistanceMetric.L2Squared);
            collectionId = db.GetStats().AppliedLsn; // a collection's id is the LSN that created it
            db.Upsert("c", "r1", Payload("n", "s"), [1f, 1f]);
            db.Upsert("c", "r2", Payload("n", "s"), [2f, 2f]);
            applied = db.GetStats().AppliedLsn;
        }

        // Entries that reached the log but not the store, as after a crash between commit and apply.
        using (var log = FasterLogWriteAheadLog.Open(Path.Combine(dir.Path, "log"), new WriteAheadLogOptions { MinimumNextLsn = applied + 1 }))
        {
            long last = log.Append(Writes(collectionId, (RecordWriteKind.Upsert, "r10", [10f, 10f])));
            last = log.Append(Writes(collectionId, (RecordWriteKind.Upsert, "r11", [11f, 11f]), (RecordWriteKind.Upsert, "r12", [12f, 12f]), (RecordWriteKind.Delete, "r1", [])));
            log.ForceCommit();
            Assert.Equal(applied + 2, last);
        }

        using (var db = AgentDatabase.Open(dir.Path, Options()))
        {
            Assert.Equal(applied + 2, db.GetStats().AppliedLsn);
            Assert.Null(db.Get("c", "r1"));
            Assert.Equal(applied + 2, db.Get("c", "r12")!.Lsn);
            Assert.Equal(4, db.Count("c"));
            Assert.Equal("r11", db.Search("c", [11.1f, 11f], 1)[0].Record.Id);
            Assert.Equal(applied + 3, db.Upsert("c", "r13", Payload("n", "s"), [13f, 13f]));
        }
    }

    [Fact]
    public void WritesInNoneMode_SurviveACleanReopen_AndLsnsNeverGoBack()
    {
        using var dir = new TempDirectory();
        long last;
        using (var db = AgentDatabase.Open(dir.Path, Options(DurabilityMode.None)))
        {
            db.CreateCollection("c", 2, DistanceMetric.L2Squared);
            for (int i = 0; i < 100; i++)
            {
                last = db.Upsert("c", $"r{i}", Payload("n", "s"), [i, i]);
            }

            last = db.GetStats().AppliedLsn;
        }

        using (var db = AgentDatabase.Open(dir.Path, Options(DurabilityMode.None)))
        {
            Assert.Equal(100, db.Count("c"));
            Assert.True(db.Upsert("c", "next", Payload("n", "s"), [1f, 1f]) > last);
        }
    }

    private static byte[] Writes(long collectionId, params (RecordWriteKind Kind, string Id, float[] Vector)[] writes)
    {
        byte[] buffer = new byte[4096];
        int offset = LogEntryCodec.WriteHeader(buffer, LogOpCode.Writes, 1_700_000_000_000);
        offset += LogEntryCodec.WriteCount(buffer.AsSpan(offset), writes.Length);
        foreach ((RecordWriteKind kind, string id, float[] vector) in writes)
        {
            offset += LogEntryCodec.EncodeWrite(buffer.AsSpan(offset), kind, collectionId, System.Text.Encoding.UTF8.GetBytes(id), kind == RecordWriteKind.Upsert ? Payload("n", "s") : [], vector);
        }

        return buffer[..offset];
    }
}
