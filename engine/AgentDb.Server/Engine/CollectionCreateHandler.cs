using AgentDb.Wire.Messages;

namespace AgentDb.Server.Engine;

/// <summary>COLLECTION_CREATE: creates the collection with its HNSW <c>m</c> and <c>efConstruction</c> (0 = the engine's
/// default for either). An existing name, or a parameter out of the engine's range, is BAD_REQUEST.</summary>
internal sealed class CollectionCreateHandler(AgentDatabase database)
    : EngineOperation<CollectionCreateRequest, EmptyMessage>(database)
{
    protected override ValueTask<EmptyMessage> ExecuteAsync(CollectionCreateRequest message, CancellationToken cancellationToken)
    {
        ThrowIfMemoryCollection(message.Name);
        var m = message.M == 0 ? AgentDatabase.DefaultHnswM : message.M;
        var efConstruction = message.EfConstruction == 0 ? Math.Max(AgentDatabase.DefaultHnswEfConstruction, m) : message.EfConstruction;
        Database.CreateCollection(message.Name, message.Dimension, EngineHandlers.ToEngine(message.Metric), m, efConstruction);
        return ValueTask.FromResult(EmptyMessage.Instance);
    }
}
