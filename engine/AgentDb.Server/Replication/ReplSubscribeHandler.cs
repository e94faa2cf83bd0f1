using System.Buffers;
using AgentDb.Server.Network.Handlers;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Replication;

/// <summary>REPL_SUBSCRIBE on a primary: streams the log to the replica (<see cref="ReplicationSource.StreamAsync"/>).</summary>
internal sealed class ReplSubscribeHandler(ReplicationSource source) : IStreamingRequestHandler
{
    public ValueTask<HandlerResult> HandleAsync(HandlerRequest request, IBufferWriter<byte> responseBody, CancellationToken cancellationToken) =>
        ValueTask.FromResult(HandlerResult.Error(ErrorCode.BadRequest, "REPL_SUBSCRIBE opens a stream; this session cannot serve it"));

    public ValueTask<HandlerResult> HandleStreamAsync(
        HandlerRequest request, IResponseStream stream, IBufferWriter<byte> responseBody, CancellationToken cancellationToken)
    {
        if (!MessageCodec.TryDecode<ReplSubscribeRequest>(request.Body, out var subscribe, out var error))
        {
            return ValueTask.FromResult(HandlerResult.Error(ErrorCode.BadRequest, error));
        }
        return source.StreamAsync(subscribe, stream, responseBody, cancellationToken);
    }
}
