using AgentDb.Server.Network.Handlers;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Engine;

/// <summary>STATS: for the server, <c>records</c>, <c>collections</c>, disk and log sizes and LSNs, the garbage collector's counts and pause time; for one collection,
/// <c>records</c> and its index figures (NOT_FOUND when it does not exist).</summary>
internal sealed class StatsHandler(AgentDatabase database, Func<IReadOnlyList<KeyValuePair<string, long>>>? extra = null)
    : EngineOperation<StatsRequest, StatsResponse>(database)
{
    protected override ValueTask<StatsResponse> ExecuteAsync(StatsRequest message, CancellationToken cancellationToken)
    {
        var stats = Database.GetStats();
        if (message.Collection is null)
        {
            List<KeyValuePair<string, long>> values =
            [
                new("records", stats.Records),
                new("collections", stats.Collections.Count),
                new("disk.bytes", stats.BytesOnDisk),
                new("store.bytes", stats.RecordStoreBytes),
                new("log.bytes", stats.LogBytes),
                new("lsn.appended", stats.AppendedLsn),
                new("lsn.committed", stats.CommittedLsn),
                new("lsn.applied", stats.AppliedLsn),
                new("lsn.first", stats.FirstLogLsn),
                // The process's garbage collector since start (pauses show in latency tails).
                new("gc.server", System.Runtime.GCSettings.IsServerGC ? 1 : 0),
                new("gc.gen0", GC.CollectionCount(0)),
                new("gc.gen1", GC.CollectionCount(1)),
                new("gc.gen2", GC.CollectionCount(2)),
                new("gc.pause.us", (long)GC.GetTotalPauseDuration().TotalMicroseconds),
                new("gc.allocated.bytes", GC.GetTotalAllocatedBytes()),
            ];
            if (extra is not null)
            {
                values.AddRange(extra()); // replication's figures
            }
            return ValueTask.FromResult(new StatsResponse(values));
        }
        foreach (var collection in stats.Collections)
        {
            if (collection.Name == message.Collection)
            {
                return ValueTask.FromResult(new StatsResponse(
                [
                    new("records", collection.Records),
                    new("dimension", collection.Dimension),
                    new("index.vectors", collection.IndexedVectors),
                    new("index.bytes", collection.IndexMemoryBytes),
                ]));
            }
        }
        throw new RequestException(ErrorCode.NotFound, $"collection '{message.Collection}' does not exist");
    }
}
