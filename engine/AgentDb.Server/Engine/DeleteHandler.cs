using AgentDb.Wire.Messages;

namespace AgentDb.Server.Engine;

/// <summary>DELETE: removes the record; <c>deleted</c> is false when there was none (not an error). The response's
/// <c>lsn</c> is the database's applied LSN read right after the delete: at least the delete's own (a read's
/// <c>minLsn</c>).</summary>
internal sealed class DeleteHandler(AgentDatabase database)
    : EngineOperation<DeleteRequest, DeleteResponse>(database)
{
    protected override async ValueTask<DeleteResponse> ExecuteAsync(DeleteRequest message, CancellationToken cancellationToken)
    {
        ThrowIfMemoryCollection(message.Collection);
        return new(await Database.DeleteAsync(message.Collection, message.Id, cancellationToken).ConfigureAwait(false),
            EngineHandlers.ToVersion(Database.AppliedLsn));
    }
}
