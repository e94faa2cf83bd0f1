using AgentDb.Server.Network.Handlers;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Engine;

/// <summary>COLLECTION_DROP: drops the collection and its records; NOT_FOUND when there is none.</summary>
internal sealed class CollectionDropHandler(AgentDatabase database)
    : EngineOperation<CollectionDropRequest, EmptyMessage>(database)
{
    protected override ValueTask<EmptyMessage> ExecuteAsync(CollectionDropRequest message, CancellationToken cancellationToken)
    {
        ThrowIfMemoryCollection(message.Name);
        return Database.DropCollection(message.Name)
            ? ValueTask.FromResult(EmptyMessage.Instance)
            : throw new RequestException(ErrorCode.NotFound, $"collection '{message.Name}' does not exist");
    }
}
