using System.Buffers;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Network.Handlers;

/// <summary>
/// A handler for one operation with typed messages: decodes the request body (BAD_REQUEST when it does not decode),
/// calls <see cref="HandleAsync(TRequest, HandlerRequest, CancellationToken)"/>, encodes its response. The engine's
/// operations are written as subclasses of this.
/// </summary>
/// <typeparam name="TRequest">The request message.</typeparam>
/// <typeparam name="TResponse">The response message.</typeparam>
internal abstract class MessageHandler<TRequest, TResponse> : IRequestHandler
    where TRequest : IWireMessage<TRequest>
    where TResponse : IWireMessage<TResponse>
{
    public ValueTask<HandlerResult> HandleAsync(
        HandlerRequest request, IBufferWriter<byte> responseBody, CancellationToken cancellationToken)
    {
        if (!MessageCodec.TryDecode<TRequest>(request.Body, out var message, out var error))
        {
            return ValueTask.FromResult(HandlerResult.Error(ErrorCode.BadRequest, error));
        }
        var pending = HandleAsync(message, request, cancellationToken);
        if (!pending.IsCompletedSuccessfully)
        {
            return CompleteAsync(pending, responseBody);
        }
        // Most reads finish synchronously: no state machine on their path.
        MessageCodec.Encode(responseBody, pending.Result);
        return ValueTask.FromResult(HandlerResult.Success);
    }

    private static async ValueTask<HandlerResult> CompleteAsync(ValueTask<TResponse> pending, IBufferWriter<byte> responseBody)
    {
        var response = await pending.ConfigureAwait(false);
        MessageCodec.Encode(responseBody, response);
        return HandlerResult.Success;
    }

    /// <summary>Executes the decoded request. Throw <see cref="RequestException"/> for a domain error.</summary>
    protected abstract ValueTask<TResponse> HandleAsync(
        TRequest message, HandlerRequest request, CancellationToken cancellationToken);
}
