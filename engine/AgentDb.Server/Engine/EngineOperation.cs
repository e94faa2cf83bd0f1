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

    protected sealed override async ValueTask<TResponse> HandleAsync(
        TRequest message, HandlerRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await ExecuteAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (CollectionNotFoundException e)
        {
            throw new RequestException(ErrorCode.NotFound, e.Message);
        }
        catch (CollectionAlreadyExistsException e)
        {
            throw new RequestException(ErrorCode.BadRequest, e.Message);
        }
        catch (ArgumentException e)
        {
            throw new RequestException(ErrorCode.BadRequest, e.Message);
        }
    }

    /// <summary>Runs the request against <see cref="Database"/>.</summary>
    protected abstract ValueTask<TResponse> ExecuteAsync(TRequest message, CancellationToken cancellationToken);
}
