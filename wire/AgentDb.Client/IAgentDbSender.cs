using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Client;

/// <summary>
/// Something that sends one request and returns its decoded response: one connection (<see cref="AgentDbClient"/>) or a
/// pool of them (<see cref="AgentDbClientPool"/>). Every typed operation (<see cref="AgentDbOperations"/>,
/// <see cref="AgentDbMemoryOperations"/>) is written once over it.
/// </summary>
public interface IAgentDbSender
{
    /// <summary>Sends <paramref name="request"/> as <paramref name="opcode"/> and decodes the response.</summary>
    /// <typeparam name="TRequest">The request message.</typeparam>
    /// <typeparam name="TResponse">The response message the opcode answers with.</typeparam>
    /// <param name="opcode">The operation.</param>
    /// <param name="request">The request body.</param>
    /// <param name="cancellationToken">Stops waiting; the request may still be executed by the server.</param>
    /// <exception cref="AgentDbException">The server answered with an error.</exception>
    /// <exception cref="AgentDbConnectionException">The connection failed, or the response could not be decoded.</exception>
    /// <exception cref="TimeoutException">No answer within the request timeout.</exception>
    Task<TResponse> SendAsync<TRequest, TResponse>(Opcode opcode, TRequest request, CancellationToken cancellationToken = default)
        where TRequest : IWireMessage<TRequest>
        where TResponse : IWireMessage<TResponse>;
}
