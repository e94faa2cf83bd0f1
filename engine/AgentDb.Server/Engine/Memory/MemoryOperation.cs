using AgentDb.Memory;
using AgentDb.Memory.Skills;
using AgentDb.Server.Network.Handlers;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Engine.Memory;

/// <summary>
/// An agent-memory operation served by the embedded <see cref="AgentMemory"/>. The memory API is synchronous and may
/// embed text or walk a graph for a while, so <see cref="MemoryHandlers"/> registers every memory operation to run on
/// the thread pool (<see cref="HandlerExecution.ThreadPool"/>), never on a connection's read loop. Each request first
/// completes the memory's setup writes that waited for this member's promotion (<see cref="AgentMemory.CompleteSetup"/>;
/// one volatile read once done). Domain exceptions become error replies: a memory collection a replica has not
/// received yet → BUSY (retry, or read from the primary); an unknown id (<see cref="KeyNotFoundException"/>) →
/// NOT_FOUND; invalid input (<see cref="ArgumentException"/>) or an existing skill name → BAD_REQUEST. Anything else
/// escapes and the session answers INTERNAL.
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

    protected sealed override ValueTask<TResponse> HandleAsync(
        TRequest message, HandlerRequest request, CancellationToken cancellationToken)
    {
        ValueTask<TResponse> pending;
        try
        {
            Memory.CompleteSetup();
            pending = ExecuteAsync(message, cancellationToken);
        }
        catch (Exception e) when (Map(e) is { } mapped)
        {
            return ValueTask.FromException<TResponse>(mapped);
        }
        // Reads complete synchronously; writes await their commit.
        return pending.IsCompletedSuccessfully ? pending : AwaitMappedAsync(pending);
    }

    /// <summary>Runs the request against <see cref="Memory"/>.</summary>
    protected abstract ValueTask<TResponse> ExecuteAsync(TRequest message, CancellationToken cancellationToken);

    /// <summary>The error reply for a domain exception, or null to let it escape (INTERNAL).</summary>
    protected virtual RequestException? Map(Exception failure) => failure switch
    {
        CollectionNotFoundException e when e.CollectionName.StartsWith(AgentMemory.CollectionPrefix, StringComparison.Ordinal) =>
            new RequestException(ErrorCode.Busy,
                $"the agent memory's collection '{e.CollectionName}' has not reached this replica yet; retry, or read from the " +
                "primary"),
        KeyNotFoundException e => new RequestException(ErrorCode.NotFound, e.Message),
        SkillAlreadyExistsException e => new RequestException(ErrorCode.BadRequest, e.Message),
        ArgumentException e => new RequestException(ErrorCode.BadRequest, e.Message),
        _ => null,
    };

    private async ValueTask<TResponse> AwaitMappedAsync(ValueTask<TResponse> pending)
    {
        try
        {
            return await pending.ConfigureAwait(false);
        }
        catch (Exception e) when (Map(e) is { } mapped)
        {
            throw mapped;
        }
    }
}
