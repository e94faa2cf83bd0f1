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

    private static RecordWrite Write(CollectionDescriptor collection, string id) =>
        new(collection.Id, RecordWriteKind.Upsert, Encoding.UTF8.GetBytes(id), new byte[] { 0x80 }, new byte[8]);
}
