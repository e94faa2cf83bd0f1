using AgentDb.Memory;
using AgentDb.Memory.Skills;
using AgentDb.Server.Network.Handlers;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Engine.Memory;

/// <summary>
/// An agent-memory operation served by the embedded <see cref="AgentMemory"/>. The memory API is synchronous and may
/// embed text or walk a graph for a while, so the operation runs on the thread pool, never on the connection's read
/// loop. Domain exceptions become error replies: an unknown id (<see cref="KeyNotFoundException"/>) → NOT_FOUND; invalid
/// input (<see cref="ArgumentException"/>) or an existing skill name → BAD_REQUEST. Anything else escapes and the
/// session answers INTERNAL.
/// </summary>
/// <typeparam name="TRequest">The request message.</typeparam>
/// <typeparam name="TResponse">The response message.</typeparam>
internal abstract class MemoryOperation<TRequest, TResponse> : MessageHandler<TRequest, TResponse>
    where TRequest : IWireMessage<TRequest>
    where TResponse : IWireMessage<TResponse>
{
    protected MemoryOperation(AgentMemory memory) => Memory = memory;

    /// <summary>The memory every request runs against.</summary>
    protected AgentMemory Memory { get; }

    protected sealed override async ValueTask<TResponse> HandleAsync(
        TRequest message, HandlerRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await Task.Run(() => ExecuteAsync(message, cancellationToken).AsTask(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (Map(e) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <summary>Runs the request against <see cref="Memory"/> (on a thread-pool thread).</summary>
    protected abstract ValueTask<TResponse> ExecuteAsync(TRequest message, CancellationToken cancellationToken);

    /// <summary>The error reply for a domain exception, or null to let it escape (INTERNAL).</summary>
    protected virtual RequestException? Map(Exception failure) => failure switch
    {
        KeyNotFoundException e => new RequestException(ErrorCode.NotFound, e.Message),
        SkillAlreadyExistsException e => new RequestException(ErrorCode.BadRequest, e.Message),
        ArgumentException e => new RequestException(ErrorCode.BadRequest, e.Message),
        _ => null,
    };
}
