using AgentDb.Kernels;
using AgentDb.Server.Network.Handlers;
using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Engine;

/// <summary>Registers the handlers that serve the data operations from an embedded <see cref="AgentDatabase"/>.</summary>
internal static class EngineHandlers
{
    /// <summary>Serves COLLECTION_CREATE/DROP/LIST, UPSERT, GET, DELETE, BATCH, SEARCH, STATS and CHECKPOINT from
    /// <paramref name="database"/>, which must outlive the server.</summary>
    public static RequestHandlerRegistry Register(RequestHandlerRegistry registry, AgentDatabase database)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(database);
        return registry
            .Register(Opcode.CollectionCreate, new CollectionCreateHandler(database), HandlerExecution.ThreadPool)
            .Register(Opcode.CollectionDrop, new CollectionDropHandler(database), HandlerExecution.ThreadPool)
            .Register(Opcode.CollectionList, new CollectionListHandler(database))
            .Register(Opcode.Upsert, new UpsertHandler(database))
            .Register(Opcode.Get, new GetHandler(database))
            .Register(Opcode.Delete, new DeleteHandler(database))
            .Register(Opcode.Batch, new BatchHandler(database))
            // Scans and graph walks take from microseconds to many milliseconds; the others block on disk.
            .Register(Opcode.Search, new SearchHandler(database), HandlerExecution.ThreadPool)
            .Register(Opcode.Stats, new StatsHandler(database), HandlerExecution.ThreadPool)
            .Register(Opcode.Checkpoint, new CheckpointHandler(database), HandlerExecution.ThreadPool);
    }

    /// <summary>The engine's metric for a wire metric. The two enums number their values differently.</summary>
    /// <exception cref="ArgumentException">An undefined wire metric.</exception>
    public static DistanceMetric ToEngine(VectorMetric metric) => metric switch
    {
        VectorMetric.Cosine => DistanceMetric.Cosine,
        VectorMetric.Dot => DistanceMetric.Dot,
        VectorMetric.L2Squared => DistanceMetric.L2Squared,
        _ => throw new ArgumentException($"unknown metric {(int)metric}", nameof(metric)),
    };

    /// <summary>The wire metric for an engine metric.</summary>
    public static VectorMetric ToWire(DistanceMetric metric) => metric switch
    {
        DistanceMetric.Cosine => VectorMetric.Cosine,
        DistanceMetric.Dot => VectorMetric.Dot,
        DistanceMetric.L2Squared => VectorMetric.L2Squared,
        _ => throw new InvalidOperationException($"engine metric {metric} has no wire value"),
    };

    /// <summary>An LSN as a wire version (LSNs are never negative).</summary>
    public static ulong ToVersion(long lsn) => (ulong)Math.Max(lsn, 0);
}
