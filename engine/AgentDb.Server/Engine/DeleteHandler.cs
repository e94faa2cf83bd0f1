using AgentDb.Wire.Messages;

namespace AgentDb.Server.Engine;

/// <summary>DELETE: removes the record; <c>deleted</c> is false when there was none (not an error).</summary>
internal sealed class DeleteHandler(AgentDatabase database)
    : EngineOperation<DeleteRequest, DeleteResponse>(database)
{
    protected override async ValueTask<DeleteResponse> ExecuteAsync(DeleteRequest message, CancellationToken cancellationToken) =>
        new(await Database.DeleteAsync(message.Collection, message.Id, cancellationToken).ConfigureAwait(false));
}
