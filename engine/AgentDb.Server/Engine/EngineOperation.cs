using System.Diagnostics.CodeAnalysis;
using AgentDb.Server.Network.Handlers;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Engine;

/// <summary>
/// An operation served by the embedded <see cref="AgentDatabase"/>: maps the engine's domain exceptions to error
/// replies (a missing collection → NOT_FOUND; an existing one or invalid input → BAD_REQUEST). Anything else escapes
/// and the session answers INTERNAL.
/// </summary>
/// <typeparam name="TRequest">The request message.</typeparam>
/// <typeparam name="TResponse">The response message.</typeparam>
internal abstract class EngineOperation<TRequest, TResponse> : MessageHandler<TRequest, TResponse>
    where TRequest : IWireMessage<TRequest>
    where TResponse : IWireMessage<TResponse>
{
    protected EngineOperation(AgentDatabase database) => Database = database;

    /// <summary>The database every request runs against.</summary>
    protected AgentDatabase Database { get; }

    protected sealed override ValueTask<TResponse> HandleAsync(
        TRequest message, HandlerRequest request, CancellationToken cancellationToken)
    {
        ValueTask<TResponse> pending;
        try
        {
            pending = ExecuteAsync(message, cancellationToken);
        }
        catch (Exception e) when (TryMap(e, out var mapped))
        {
            return ValueTask.FromException<TResponse>(mapped);
        }
        // Reads complete synchronously and skip the state machine; writes await their commit.
        return pending.IsCompletedSuccessfully ? pending : AwaitMappedAsync(pending);
    }

    private static async ValueTask<TResponse> AwaitMappedAsync(ValueTask<TResponse> pending)
    {
        try
        {
            return await pending.ConfigureAwait(false);
        }
        catch (Exception e) when (TryMap(e, out var mapped))
        {
            throw mapped;
        }
    }

    /// <summary>The error reply for an engine exception; false for anything else (the session answers INTERNAL).</summary>
    private static bool TryMap(Exception failure, [NotNullWhen(true)] out RequestException? mapped)
    {
        mapped = failure switch
        {
            CollectionNotFoundException e => new RequestException(ErrorCode.NotFound, e.Message),
            CollectionAlreadyExistsException e => new RequestException(ErrorCode.BadRequest, e.Message),
            ArgumentException e => new RequestException(ErrorCode.BadRequest, e.Message),
            _ => null,
        };
        return mapped is not null;
    }

    /// <summary>
    /// Refuses a write to a collection of the agent memory (<see cref="AgentDb.Memory.AgentMemory.CollectionPrefix"/>):
    /// its records are written by the memory operations only, whose encodings and indexes a raw write would break.
    /// Reads of those collections stay allowed.
    /// </summary>
    /// <exception cref="RequestException">FORBIDDEN: the collection is the agent memory's.</exception>
    protected static void ThrowIfMemoryCollection(string collection)
    {
        if (collection.StartsWith(AgentDb.Memory.AgentMemory.CollectionPrefix, StringComparison.Ordinal))
        {
            throw new RequestException(ErrorCode.Forbidden,
                $"collection '{collection}' belongs to the agent memory: write it with the memory operations (episodes, skills, causal edges, graph)");
        }
    }

    /// <summary>Runs the request against <see cref="Database"/>.</summary>
    protected abstract ValueTask<TResponse> ExecuteAsync(TRequest message, CancellationToken cancellationToken);
}
