using AgentDb.Memory;
using AgentDb.Wire.Messages;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Engine.Memory;

/// <summary>MEMORY_STATS: the embedder, the dimension, and record, disk, cache and graph counters summed over the
/// memory's stores.</summary>
internal sealed class MemoryStatsHandler(AgentMemory memory) : MemoryOperation<EmptyMessage, MemoryStatsResponse>(memory)
{
    protected override ValueTask<MemoryStatsResponse> ExecuteAsync(EmptyMessage message, CancellationToken cancellationToken)
    {
        var stats = Memory.GetStats();
        long records = 0, diskBytes = 0, logBytes = 0;
        foreach (var store in stats.Stores)
        {
            records += store.Records;
            diskBytes += store.BytesOnDisk;
            logBytes += store.LogBytes;
        }
        return ValueTask.FromResult(new MemoryStatsResponse(stats.Embedder, stats.Dimension,
        [
            new("records", records),
            new("stores", stats.Stores.Count),
            new("disk.bytes", diskBytes),
            new("log.bytes", logBytes),
            new("graph.nodes", Memory.Graph.NodeCount),
            new("graph.edges", Memory.Graph.EdgeCount),
            new("cache.hits", stats.CacheHits),
            new("cache.misses", stats.CacheMisses),
            new("cache.invalidations", stats.CacheInvalidations),
            new("cache.entries", stats.CacheEntries),
        ]));
    }
}
