using System.Buffers;

namespace AgentDb.Server.Network.Handlers;

/// <summary>
/// Executes the requests of one or more opcodes: the seam through which the storage engine plugs into the server.
/// The session has already checked authentication, the caller's role, the in-flight limit and that the opcode is
/// defined; HELLO and PING never reach a handler. Handlers run concurrently, also for one connection, and may complete
/// in any order.
/// </summary>
internal interface IRequestHandler
{
    /// <summary>Handles one request.</summary>
    /// <param name="request">The request; its body is valid until the returned task completes.</param>
    /// <param name="responseBody">Where to write the response body (one MessagePack value) on success.</param>
    /// <param name="cancellationToken">Cancelled when the connection is gone.</param>
    /// <returns><see cref="HandlerResult.Success"/>, or a domain error. A handler may also throw
    /// <see cref="RequestException"/>; any other exception is answered with INTERNAL and logged.</returns>
    ValueTask<HandlerResult> HandleAsync(
        HandlerRequest request, IBufferWriter<byte> responseBody, CancellationToken cancellationToken);

    /// <summary>
    /// True when the handler reads <see cref="HandlerRequest.Body"/> only before <see cref="HandleAsync"/> returns (not
    /// after an await, and keeps no slice of it): the session may then lend it the bytes in the connection's receive
    /// buffer, valid only during the call, instead of a copy. Only for <see cref="HandlerExecution.Inline"/> handlers.
    /// </summary>
    bool ReadsBodyOnlyDuringCall => false;
}
