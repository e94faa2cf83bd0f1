namespace AgentDb.Server.Network.Handlers;

/// <summary>What a session needs to dispatch one opcode, resolved once (<see cref="RequestHandlerRegistry.ResolveEntry"/>)
/// and kept per connection while the connection repeats the opcode.</summary>
/// <param name="Handler">The handler.</param>
/// <param name="Execution">Where it runs.</param>
/// <param name="Streaming">It sends frames of its own before its answer (<see cref="IStreamingRequestHandler"/>).</param>
/// <param name="BorrowsBody">It may be lent the receive buffer's bytes instead of a copy of the body
/// (<see cref="IRequestHandler.ReadsBodyOnlyDuringCall"/>, inline and not streaming).</param>
internal readonly record struct HandlerEntry(IRequestHandler Handler, HandlerExecution Execution, bool Streaming, bool BorrowsBody);
