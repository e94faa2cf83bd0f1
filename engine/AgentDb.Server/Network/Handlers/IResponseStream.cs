using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Network.Handlers;

/// <summary>The frames of one stream opened by a request (see <see cref="IStreamingRequestHandler"/>).</summary>
internal interface IResponseStream
{
    /// <summary>Encodes <paramref name="message"/> as a frame with <paramref name="opcode"/>, flag RESPONSE and the
    /// stream's request id, and queues it for sending (in order with the connection's other frames).</summary>
    void Send<T>(Opcode opcode, T message) where T : IWireMessage<T>;
}
