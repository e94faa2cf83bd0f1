using AgentDb.Wire.Frames;

namespace AgentDb.Server.Network.Handlers;

/// <summary>
/// Which handler serves which opcode. Filled before the server starts and read-only afterwards. Every defined opcode
/// without a registered handler is served by the fallback (NOT_IMPLEMENTED in this build).
/// </summary>
internal sealed class RequestHandlerRegistry
{
    private readonly Dictionary<Opcode, (IRequestHandler Handler, HandlerExecution Execution)> _handlers = [];
    private readonly IRequestHandler _fallback;

    public RequestHandlerRegistry(IRequestHandler fallback) => _fallback = fallback;

    /// <summary>A registry where every operation answers NOT_IMPLEMENTED until handlers are registered
    /// (<c>agentdb serve</c> registers the engine's, see <c>Engine/EngineHandlers</c>).</summary>
    public static RequestHandlerRegistry WithoutEngine() =>
        new(new UnavailableOperationHandler("no handler is registered for it"));

    /// <summary>Serves <paramref name="opcode"/> with <paramref name="handler"/>, run where
    /// <paramref name="execution"/> says.</summary>
    /// <exception cref="ArgumentException">The opcode is HELLO or PING (the session's own), or not defined.</exception>
    public RequestHandlerRegistry Register(Opcode opcode, IRequestHandler handler, HandlerExecution execution = HandlerExecution.Inline)
    {
        if (opcode is Opcode.Hello or Opcode.Ping || !OpcodeInfo.IsDefined(opcode))
        {
            throw new ArgumentException($"opcode {opcode} cannot have a handler", nameof(opcode));
        }
        _handlers[opcode] = (handler, execution);
        return this;
    }

    /// <summary>The handler for a defined opcode.</summary>
    public IRequestHandler Resolve(Opcode opcode) => Resolve(opcode, out _);

    /// <summary>The handler for a defined opcode and where to run it.</summary>
    public IRequestHandler Resolve(Opcode opcode, out HandlerExecution execution)
    {
        if (_handlers.TryGetValue(opcode, out var entry))
        {
            execution = entry.Execution;
            return entry.Handler;
        }
        execution = HandlerExecution.Inline;
        return _fallback;
    }

    /// <summary>The handler for a defined opcode with everything the session decides from it.</summary>
    public HandlerEntry ResolveEntry(Opcode opcode)
    {
        var handler = Resolve(opcode, out var execution);
        var streaming = handler is IStreamingRequestHandler;
        return new HandlerEntry(handler, execution, streaming,
            BorrowsBody: !streaming && execution == HandlerExecution.Inline && handler.ReadsBodyOnlyDuringCall);
    }
}
