using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Network.Handlers;

/// <summary>One request handed to an <see cref="IRequestHandler"/>.</summary>
/// <param name="Opcode">The operation (always one the handler was registered for).</param>
/// <param name="RequestId">The client's request id.</param>
/// <param name="Body">The MessagePack body. Owned by the session: valid until the handler's task completes.</param>
/// <param name="CallerRole">The role of the connection's API key (already checked against the opcode).</param>
/// <param name="CallerName">The API key's name, or "anonymous" when authentication is off.</param>
internal readonly record struct HandlerRequest(
    Opcode Opcode, ulong RequestId, ReadOnlyMemory<byte> Body, AccessRole CallerRole, string CallerName);
