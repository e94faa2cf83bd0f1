using AgentDb.Wire.Messages;

namespace AgentDb.Server.Engine;

/// <summary>COLLECTION_CREATE: creates the collection; <c>m</c> and <c>efConstruction</c> are ignored (the engine
/// chooses its index parameters). An existing name is BAD_REQUEST.</summary>
internal sealed class CollectionCreateHandler(AgentDatabase database)
    : EngineOperation<CollectionCreateRequest, EmptyMessage>(database)
{
    protected override ValueTask<EmptyMessage> ExecuteAsync(CollectionCreateRequest message, CancellationToken cancellationToken)
    {
        Database.CreateCollection(message.Name, message.Dimension, EngineHandlers.ToEngine(message.Metric));
        return ValueTask.FromResult(EmptyMessage.Instance);
    }
}
