using AgentDb.Server.Network.Handlers;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Engine;

/// <summary>COLLECTION_CREATE: creates the collection with its HNSW <c>m</c> and <c>efConstruction</c> (0 = the engine's
/// default for either). An existing name with the same settings succeeds (nothing is written); with other settings, or
/// a parameter out of the engine's range, it is BAD_REQUEST.</summary>
internal sealed class CollectionCreateHandler(AgentDatabase database)
    : EngineOperation<CollectionCreateRequest, EmptyMessage>(database)
{
    protected override ValueTask<EmptyMessage> ExecuteAsync(CollectionCreateRequest message, CancellationToken cancellationToken)
    {
        ThrowIfMemoryCollection(message.Name);
        var m = message.M == 0 ? AgentDatabase.DefaultHnswM : message.M;
        var efConstruction = message.EfConstruction == 0 ? Math.Max(AgentDatabase.DefaultHnswEfConstruction, m) : message.EfConstruction;
        var metric = EngineHandlers.ToEngine(message.Metric);
        // PROTOCOL.md 8.3: creating a collection that exists with the same settings succeeds (clients may "ensure");
        // with other settings the engine's CollectionAlreadyExistsException names them (BAD_REQUEST).
        Database.EnsureCollection(message.Name, message.Dimension, metric, m, efConstruction);
        return ValueTask.FromResult(EmptyMessage.Instance);
    }
}
