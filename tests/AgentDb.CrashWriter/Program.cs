using System.Diagnostics;
using AgentDb;
using AgentDb.Kernels;
using AgentDb.Log;
using MessagePack;

// Usage: AgentDb.CrashWriter <databaseDirectory> <idPrefix> <disableRecordStoreWal 0|1> [sync|none [hnswThreshold checkpointEvery]]
// Writes single upserts and 5-record batches to collection "crash" (dimension 8, L2) in Sync (default) or None mode until killed,
// printing "S <id>" after each acknowledged upsert and "B <batchId>" after each acknowledged batch (ids <batchId>-0..4).
// With hnswThreshold and checkpointEvery, the collection moves to HNSW segments at that many vectors and a checkpoint
// (which writes segments) runs after every checkpointEvery writes.
// Stops by itself after 60 s or 200 000 writes so a forgotten child cannot run on.
if (args.Length is < 3 or > 6 or 5)
{
    Console.Error.WriteLine("usage: AgentDb.CrashWriter <databaseDirectory> <idPrefix> <disableRecordStoreWal 0|1> [sync|none [hnswThreshold checkpointEvery]]");
    return 2;
}

string path = args[0];
string prefix = args[1];
int hnswThreshold = args.Length == 6 ? int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 20_000;
int checkpointEvery = args.Length == 6 ? int.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture) : 0;
var options = new AgentDatabaseOptions
{
    Durability = args.Length == 4 && args[3] == "none" ? DurabilityMode.None : DurabilityMode.Sync,
    RecordStoreWal = args[2] != "1",
    LogPageSizeBits = 20,
    LogMemorySizeBits = 22,
    MaxPayloadBytes = 64 * 1024,
    HnswThreshold = hnswThreshold,
    Warning = message => Console.Error.WriteLine("WARN " + message),
};

using var db = AgentDatabase.Open(path, options);
if (!db.ListCollections().Any(c => c.Name == "crash"))
{
    db.CreateCollection("crash", CrashVectors.Dimension, DistanceMetric.L2Squared);
}

var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
output.WriteLine("READY");
var clock = Stopwatch.StartNew();
var batch = new RecordBatch();
for (int i = 0; i < 200_000 && clock.Elapsed < TimeSpan.FromSeconds(60); i++)
{
    if (checkpointEvery > 0 && i % checkpointEvery == checkpointEvery - 1)
    {
        db.Checkpoint();
    }

    if (i % 4 == 3)
    {
        string batchId = $"{prefix}b{i}";
        batch.Clear();
        for (int j = 0; j < CrashVectors.BatchSize; j++)
        {
            string id = $"{batchId}-{j}";
            batch.Upsert("crash", id, MessagePackSerializer.Serialize(new Dictionary<string, object> { ["batch"] = batchId, ["size"] = CrashVectors.BatchSize }), CrashVectors.For(id));
        }

        db.Batch(batch);
        output.WriteLine("B " + batchId);
    }
    else
    {
        string id = $"{prefix}s{i}";
        db.Upsert("crash", id, MessagePackSerializer.Serialize(new Dictionary<string, object> { ["single"] = id }), CrashVectors.For(id));
        output.WriteLine("S " + id);
    }
}

return 0;
