using AgentDb.Server.Network.Handlers;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Engine;

/// <summary>GET: one record; NOT_FOUND when the collection or the record does not exist. The version is the LSN that
/// last wrote it.</summary>
internal sealed class GetHandler(AgentDatabase database)
    : EngineOperation<GetRequest, GetResponse>(database)
{
    protected override ValueTask<GetResponse> ExecuteAsync(GetRequest message, CancellationToken cancellationToken)
    {
        if (!Database.TryGet(message.Collection, message.Id, out var record))
        {
            throw new RequestException(ErrorCode.NotFound, $"record '{message.Id}' does not exist in collection '{message.Collection}'");
        }
        var vector = message.IncludeVector && record.Vector is { } stored ? stored : default(ReadOnlyMemory<float>);
        return ValueTask.FromResult(new GetResponse(record.Id, vector, record.Payload, EngineHandlers.ToVersion(record.Lsn)));
    }
}
