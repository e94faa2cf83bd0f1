using System.Buffers;
using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Network.Handlers;

/// <summary>Answers an operation this build does not provide with NOT_IMPLEMENTED, naming it: the server never
/// pretends to have stored or found anything.</summary>
internal sealed class UnavailableOperationHandler : IRequestHandler
{
    private readonly string _reason;

    /// <param name="reason">Why, e.g. "the storage engine is not plugged in".</param>
    public UnavailableOperationHandler(string reason) => _reason = reason;

    public ValueTask<HandlerResult> HandleAsync(
        HandlerRequest request, IBufferWriter<byte> responseBody, CancellationToken cancellationToken) =>
        ValueTask.FromResult(HandlerResult.Error(
            ErrorCode.NotImplemented,
            $"operation {OpcodeInfo.Name(request.Opcode)} is not available in this build ({_reason})"));
}
