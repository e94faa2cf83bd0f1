using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Threading.Channels;
using AgentDb.Server.Network.Auth;
using AgentDb.Server.Network.Handlers;
using AgentDb.Wire;
using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Network;

/// <summary>
/// One client connection: cuts frames out of the input pipe, answers HELLO and PING itself, checks role and in-flight
/// limit, hands everything else to the registered <see cref="IRequestHandler"/>, and writes responses in completion
/// order, several per flush. Transport-agnostic: it only sees an <see cref="IDuplexPipe"/>, so tests can drive it in
/// memory.
/// </summary>
/// <remarks>
/// Two paths write to the output, one at a time (<c>_outputGate</c>): the read loop writes the answers it produced
/// itself (HELLO, PING, errors, handlers that completed synchronously) once per read, framed back to back in one buffer,
/// with one write and one flush, on its own thread — no hop to another thread per request; answers of handlers that
/// complete later go through a queue to the writer loop, which writes whatever is queued with one flush. Handlers
/// registered for <see cref="HandlerExecution.ThreadPool"/> start on the thread pool, never on the read loop.
/// <para>
/// The pipelined hot path (an inline handler that completes synchronously, e.g. GET from the record cache) takes no
/// lock and makes no interlocked update per request: the handler writes into the read loop's one response buffer, its
/// answer is appended to the read's batch, a borrowing handler reads its body straight from the receive buffer, the
/// opcode's handler and role check are resolved once per connection while it repeats the opcode, and the metrics are
/// updated once per read.
/// </para>
/// <para>
/// Protocol errors (bad framing, no HELLO, bad key) send one error frame and end the session; responses still in
/// flight are dropped. Domain errors (unknown opcode, bad body, role, BUSY, handler errors) answer the one request and
/// the session goes on. A stop request stops reading, lets requests in flight finish, flushes and ends.
/// </para>
/// </remarks>
internal sealed class ProtocolSession
{
    private const int RetainedBufferCapacity = 64 * 1024;
    private const int MaxRetainedBuffers = 16;
    private const int InitialAnswerBytes = 4 * 1024;
    // The idle timer is re-armed at most once per this fraction of the timeout (a timer-queue update per read was
    // measurable); when it fires early, it is re-armed for the rest.
    private const int IdleRearmFraction = 16;

    private readonly IDuplexPipe _transport;
    private readonly SessionSettings _settings;
    private readonly Channel<FrameBuffer> _outbound =
        Channel.CreateUnbounded<FrameBuffer>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Stack<FrameBuffer> _spareBuffers = new();
    // Read loop only: the answers it produced during the current read, framed back to back (written with one flush).
    private byte[] _answers = ArrayPool<byte>.Shared.Rent(InitialAnswerBytes);
    private int _answerBytes;
    private int _answerFrames;
    // Read loop only: the response buffer of inline handlers, reused while they complete synchronously (one that goes
    // asynchronous keeps it, and the loop takes another).
    private FrameBuffer? _scratch;
    // Read loop only: the opcode dispatched last and its resolved, role-checked entry (the caller's role is fixed by
    // HELLO, the registry is read-only once the server runs); Opcode.None, never dispatched, before the first.
    private Opcode _entryOpcode = Opcode.None;
    private HandlerEntry _entry;
    // Read loop only: requests of one opcode counted during the current read, added to the metrics once.
    private Opcode _countedOpcode = Opcode.None;
    private long _countedRequests;
    private readonly SemaphoreSlim _outputGate = new(1, 1);
    private volatile bool _failed;
    private readonly CancellationTokenSource _aborted;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Two counts of the requests being served: _inFlight is the limit's (a slot is freed before the answer is queued, so
    // a client that has its answer can always send the next request), _unanswered is the drain's and the idle timer's
    // (it drops only once the answer is queued, so a stop never ends the session before an answer is written). Only
    // requests that leave the read loop unanswered are counted (a handler that completes synchronously is answered
    // before the loop looks at either count again); the read loop alone increments them.
    private int _inFlight;
    private int _unanswered;
    private int _draining;
    private bool _ended;
    private ApiKey? _caller;
    private CancellationToken _stopRequested;

    /// <param name="transport">The connection's pipes.</param>
    /// <param name="settings">What the server's sessions share.</param>
    /// <param name="connectionClosed">Cancelled when the transport is gone; cancels handlers.</param>
    public ProtocolSession(IDuplexPipe transport, SessionSettings settings, CancellationToken connectionClosed)
    {
        _transport = transport;
        _settings = settings;
        _aborted = CancellationTokenSource.CreateLinkedTokenSource(connectionClosed);
    }

    /// <summary>Runs the session until the peer closes, a protocol error, the idle timeout, or
    /// <paramref name="stopRequested"/> (after which requests in flight are still answered).</summary>
    public async Task RunAsync(CancellationToken stopRequested)
    {
        _stopRequested = stopRequested;
        var writing = WriteLoopAsync();
        var input = _transport.Input;
        using (stopRequested.Register(static state => ((PipeReader)state!).CancelPendingRead(), input))
        {
            try
            {
                bool graceful;
                try
                {
                    graceful = await ReadLoopAsync(stopRequested).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    graceful = false; // the transport failed under us (reset, abort): nobody to answer
                }
                if (graceful)
                {
                    await DrainAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                _outbound.Writer.TryComplete();
                await writing.ConfigureAwait(false);
                await _aborted.CancelAsync().ConfigureAwait(false);
                await input.CompleteAsync().ConfigureAwait(false);
                await _transport.Output.CompleteAsync().ConfigureAwait(false);
                // The transport may have failed before this read's answers went out.
                ArrayPool<byte>.Shared.Return(_answers);
                _answers = [];
                _scratch?.Dispose();
                _scratch = null;
                ReleaseSpareBuffers();
                _aborted.Dispose();
                _outputGate.Dispose();
            }
        }
    }

    /// <returns>True when the session may still answer requests in flight (stop, idle, peer closed); false after a
    /// protocol error.</returns>
    private async Task<bool> ReadLoopAsync(CancellationToken stopRequested)
    {
        var input = _transport.Input;
        var limits = _settings.Limits;
        var idle = limits.IdleTimeout;
        var idleTimer = idle > TimeSpan.Zero ? new CancellationTokenSource() : null;
        // The timer fires at armedAt + idle; it is re-armed after a read only when that is a sixteenth of the timeout
        // old, and when it fires while the connection was not idle for the whole timeout, re-armed for the rest.
        var rearmTicks = (long)(idle.TotalSeconds * Stopwatch.Frequency / IdleRearmFraction);
        var lastRead = Stopwatch.GetTimestamp();
        var armedAt = lastRead;
        idleTimer?.CancelAfter(idle);
        try
        {
            // Bounded by the connection: each pass either consumes bytes, waits for more, or returns.
            while (true)
            {
                ReadResult result;
                try
                {
                    result = await input.ReadAsync(idleTimer?.Token ?? default).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (idleTimer is { IsCancellationRequested: true })
                {
                    var quiet = Stopwatch.GetElapsedTime(lastRead);
                    if (quiet >= idle && Volatile.Read(ref _unanswered) == 0)
                    {
                        return true; // idle: close without a frame
                    }
                    idleTimer.Dispose();
                    idleTimer = new CancellationTokenSource();
                    // Requests still in flight: a whole timeout more; a read since the timer was armed: the rest.
                    idleTimer.CancelAfter(quiet >= idle ? idle : idle - quiet);
                    armedAt = quiet >= idle ? Stopwatch.GetTimestamp() : lastRead;
                    continue;
                }
                lastRead = Stopwatch.GetTimestamp();
                if (idleTimer is not null && lastRead - armedAt >= rearmTicks)
                {
                    idleTimer.CancelAfter(idle);
                    armedAt = lastRead;
                }
                if (result.IsCanceled || stopRequested.IsCancellationRequested)
                {
                    return true;
                }

                var buffer = result.Buffer;
                var consumed = buffer.Start;
                var examined = buffer.End;
                bool? outcome = null;
                long framesIn = 0;
                long bytesIn = 0;
                try
                {
                    outcome = OnFrames(buffer, ref consumed, ref framesIn, ref bytesIn);
                    if (outcome is null && result.IsCompleted)
                    {
                        outcome = true; // the peer closed its side; a partial frame is dropped
                    }
                }
                finally
                {
                    input.AdvanceTo(consumed, examined);
                    _settings.Metrics.FramesReceived(framesIn, bytesIn); // one update per read, not per frame
                    FlushRequestCount();
                }
                // Everything this read produced goes out now, in one flush (the last error frame too).
                if (!await WriteReadBatchAsync().ConfigureAwait(false))
                {
                    return false; // the transport is gone
                }
                if (outcome is { } done)
                {
                    return done;
                }
            }
        }
        finally
        {
            idleTimer?.Dispose();
        }
    }

    /// <summary>Serves the complete frames at the front of one read's bytes.</summary>
    /// <param name="buffer">The read's bytes.</param>
    /// <param name="consumed">Moved past every frame served (a protocol error's frame too).</param>
    /// <param name="framesIn">Counts the frames served.</param>
    /// <param name="bytesIn">Counts their bytes.</param>
    /// <returns>False after a protocol error; null otherwise.</returns>
    private bool? OnFrames(ReadOnlySequence<byte> buffer, ref SequencePosition consumed, ref long framesIn, ref long bytesIn)
    {
        var maxFrame = _settings.Limits.MaxFrameBytes;
        // Fast path: the frames that lie whole in the first segment, cut from its span with no sequence slicing; what is
        // left (a frame across segments, the next segments) takes the general path below.
        var first = buffer.First;
        var span = first.Span;
        var offset = 0;
        bool? outcome = null;
        // Bounded by the segment: each pass consumes a frame or leaves.
        while (true)
        {
            var status = FrameReader.Read(span[offset..], maxFrame, out var header);
            if (status == FrameStatus.Incomplete)
            {
                break;
            }
            if (status != FrameStatus.Complete)
            {
                Fail(header, status == FrameStatus.TooLarge ? ErrorCode.TooLarge : ErrorCode.BadRequest,
                    FrameReader.Describe(status, header, maxFrame));
                outcome = false;
                break;
            }
            var bodyLength = (int)header.BodyLength;
            var frame = new Frame(header, new ReadOnlySequence<byte>(first.Slice(offset + FrameHeader.Size, bodyLength)));
            offset += FrameHeader.Size + bodyLength;
            framesIn++;
            bytesIn += FrameHeader.Size + bodyLength;
            if (!OnFrame(frame))
            {
                outcome = false;
                break;
            }
        }
        if (offset > 0)
        {
            buffer = buffer.Slice(offset);
            consumed = buffer.Start;
        }
        if (outcome is not null)
        {
            return outcome;
        }

        // Bounded by the buffer: each pass consumes a frame or leaves.
        while (true)
        {
            var status = FrameReader.Read(ref buffer, maxFrame, out var frame);
            if (status == FrameStatus.Incomplete)
            {
                return null;
            }
            if (status != FrameStatus.Complete)
            {
                Fail(frame.Header, status == FrameStatus.TooLarge ? ErrorCode.TooLarge : ErrorCode.BadRequest,
                    FrameReader.Describe(status, frame.Header, maxFrame));
                return false;
            }
            consumed = buffer.Start;
            framesIn++;
            bytesIn += FrameHeader.Size + (long)frame.Header.BodyLength;
            if (!OnFrame(frame))
            {
                return false;
            }
        }
    }

    /// <returns>False when the frame was a protocol error and the session must end.</returns>
    private bool OnFrame(in Frame frame)
    {
        var header = frame.Header;
        CountRequest(header.Opcode);
        if (header.IsResponse || header.IsError)
        {
            Fail(header, ErrorCode.BadRequest, "clients send requests only: the RESPONSE or ERROR flag is set");
            return false;
        }
        if (_caller is null)
        {
            if (header.Opcode != Opcode.Hello)
            {
                Fail(header, ErrorCode.Unauthorized,
                    $"HELLO must be the first request on a connection; got {OpcodeName(header.Opcode)}");
                return false;
            }
            return OnHello(frame);
        }
        if (header.Opcode == _entryOpcode)
        {
            return Admit(frame); // defined, allowed for the caller, resolved: checked at its first request
        }

        switch (header.Opcode)
        {
            case Opcode.Hello:
                ReplyError(header, ErrorCode.BadRequest, "HELLO was already sent on this connection");
                return true;
            case Opcode.Ping:
                if (MessageCodec.TryDecode<EmptyMessage>(frame.Body, out _, out var error))
                {
                    Reply(header, EmptyMessage.Instance);
                }
                else
                {
                    ReplyError(header, ErrorCode.BadRequest, $"invalid PING body: {error}");
                }
                return true;
        }

        if (!OpcodeInfo.IsDefined(header.Opcode))
        {
            ReplyError(header, ErrorCode.BadRequest, $"unknown opcode {OpcodeName(header.Opcode)}");
            return true;
        }
        if (!OperationRoles.Allows(_caller.Role, header.Opcode))
        {
            ReplyError(header, ErrorCode.Forbidden,
                $"API key '{_caller.Name}' has role {RoleName(_caller.Role)}; " +
                $"{OpcodeInfo.Name(header.Opcode)} needs {RoleName(OperationRoles.Required(header.Opcode))}");
            return true;
        }
        _entry = _settings.Handlers.ResolveEntry(header.Opcode);
        _entryOpcode = header.Opcode;
        return Admit(frame);
    }

    /// <summary>Checks the in-flight limit and dispatches a request of <see cref="_entryOpcode"/>.</summary>
    private bool Admit(in Frame frame)
    {
        // Only this loop raises _inFlight, others only lower it: a stale read can only refuse too early, never too late.
        var limit = _settings.Limits.MaxInFlightPerConnection;
        if (Volatile.Read(ref _inFlight) >= limit)
        {
            ReplyError(frame.Header, ErrorCode.Busy, $"{limit} requests are already in flight on this connection");
            return true;
        }
        Dispatch(frame, _entry);
        return true;
    }

    /// <summary>Counts a frame for the metrics: a run of one opcode is added to them at once (on a change of opcode and
    /// at the end of each read, see <see cref="FlushRequestCount"/>).</summary>
    private void CountRequest(Opcode opcode)
    {
        if (opcode != _countedOpcode)
        {
            FlushRequestCount();
            _countedOpcode = opcode;
        }
        _countedRequests++;
    }

    private void FlushRequestCount()
    {
        if (_countedRequests > 0)
        {
            _settings.Metrics.Request(_countedOpcode, _countedRequests);
            _countedRequests = 0;
        }
    }

    private bool OnHello(in Frame frame)
    {
        var header = frame.Header;
        if (!MessageCodec.TryDecode<HelloRequest>(frame.Body, out var hello, out var error))
        {
            Fail(header, ErrorCode.BadRequest, $"invalid HELLO: {error}");
            return false;
        }
        if (hello.MinVersion > WireInfo.ProtocolVersion || hello.MaxVersion < WireInfo.ProtocolVersion)
        {
            Fail(header, ErrorCode.BadRequest,
                $"no common protocol version: the client speaks {hello.MinVersion} to {hello.MaxVersion}, " +
                $"this server speaks {WireInfo.ProtocolVersion}");
            return false;
        }
        if (!_settings.Keys.TryAuthenticate(hello.ApiKey, out var key, out var reason))
        {
            Fail(header, ErrorCode.Unauthorized, reason);
            return false;
        }
        _caller = key;
        var limits = _settings.Limits;
        Reply(header, new HelloResponse(
            WireInfo.ProtocolVersion, _settings.ServerName, key.Role, limits.MaxFrameBytes, limits.MaxInFlightPerConnection));
        return true;
    }

    private void Dispatch(in Frame frame, in HandlerEntry entry)
    {
        var header = frame.Header;
        var length = (int)header.BodyLength;
        if (entry.Streaming || entry.Execution == HandlerExecution.ThreadPool)
        {
            // They finish on other threads: counted before they start. The frame's bytes belong to the pipe until
            // AdvanceTo; the handler outlives that, so it gets a pooled copy.
            Interlocked.Increment(ref _inFlight);
            Interlocked.Increment(ref _unanswered);
            var copy = CopyBody(frame, length);
            var buffer = RentBuffer();
            var started = new HandlerRequest(header.Opcode, header.RequestId, copy.AsMemory(0, length), _caller!.Role, _caller.Name);
            if (entry.Streaming)
            {
                // A stream (replication) runs until it ends; its frames and its answer go through the writer queue.
                _ = FinishLaterAsync(header, copy, buffer, RunStreamAsync((IStreamingRequestHandler)entry.Handler, started, buffer));
                return;
            }
            // A long computation must not hold the I/O thread that serves this and other connections.
            RunOnThreadPool(entry.Handler, header, copy, buffer, started);
            return;
        }

        // Inline. A borrowing handler reads the body in the receive buffer (valid until AdvanceTo, after this call);
        // any other may keep it past its first await and gets a pooled copy.
        byte[]? rented = null;
        ReadOnlyMemory<byte> body;
        if (entry.BorrowsBody && frame.Body.IsSingleSegment)
        {
            body = frame.Body.First;
        }
        else
        {
            rented = CopyBody(frame, length);
            body = rented.AsMemory(0, length);
        }
        var response = TakeScratch();
        var request = new HandlerRequest(header.Opcode, header.RequestId, body, _caller!.Role, _caller.Name);
        var pending = Invoke(entry.Handler, request, response, _aborted.Token);
        if (pending.IsCompletedSuccessfully)
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
            AnswerInline(header, response, pending.Result);
            return;
        }
        // Asynchronous (or failed): it keeps its body and its response buffer, and is in flight until its answer is queued.
        Interlocked.Increment(ref _inFlight);
        Interlocked.Increment(ref _unanswered);
        _ = FinishLaterAsync(header, rented, response, pending);
    }

    private static byte[] CopyBody(in Frame frame, int length)
    {
        var copy = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        frame.Body.CopyTo(copy);
        return copy;
    }

    /// <summary>Answers a request whose inline handler completed synchronously: its frame joins this read's batch.</summary>
    private void AnswerInline(FrameHeader header, FrameBuffer response, HandlerResult result)
    {
        result = LimitSize(header, response, result);
        if (result.IsSuccess)
        {
            response.Complete(header.Opcode, FrameFlags.Response, header.RequestId);
        }
        else
        {
            _settings.Metrics.Error(result.Code);
            response.Build(header.Opcode, FrameFlags.Response | FrameFlags.Error, header.RequestId,
                new ErrorResponse(result.Code, result.Message ?? "", result.PrimaryAddress));
        }
        AppendAnswer(response.Frame.Span);
        KeepScratch(response);
    }

    /// <summary>The read loop's response buffer (taken: a handler that goes asynchronous keeps it).</summary>
    private FrameBuffer TakeScratch()
    {
        var buffer = _scratch ?? RentBuffer();
        _scratch = null;
        return buffer;
    }

    /// <summary>Gives the read loop's response buffer back after its frame was copied into the batch.</summary>
    private void KeepScratch(FrameBuffer buffer)
    {
        if (buffer.Capacity > RetainedBufferCapacity)
        {
            buffer.Dispose(); // a large answer's buffer is not kept for the connection's lifetime
            return;
        }
        buffer.Reset();
        _scratch = buffer;
    }

    /// <summary>Appends one answer frame to this read's batch.</summary>
    private void AppendAnswer(ReadOnlySpan<byte> frame)
    {
        if (_answers.Length - _answerBytes < frame.Length)
        {
            var size = (int)Math.Min(Array.MaxLength, Math.Max(2L * _answers.Length, (long)_answerBytes + frame.Length));
            var larger = ArrayPool<byte>.Shared.Rent(size);
            _answers.AsSpan(0, _answerBytes).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_answers);
            _answers = larger;
        }
        frame.CopyTo(_answers.AsSpan(_answerBytes));
        _answerBytes += frame.Length;
        _answerFrames++;
    }

    private void ClearAnswers()
    {
        _answerBytes = 0;
        _answerFrames = 0;
        if (_answers.Length > RetainedBufferCapacity)
        {
            ArrayPool<byte>.Shared.Return(_answers); // a large batch's buffer is not kept for the connection's lifetime
            _answers = ArrayPool<byte>.Shared.Rent(InitialAnswerBytes);
        }
    }

    /// <summary>
    /// Starts a handler on the thread pool. A method of its own so that the closure is allocated only on this path (a
    /// lambda in <see cref="Dispatch"/> capturing its locals allocated the closure for every request, inline ones too).
    /// </summary>
    private void RunOnThreadPool(IRequestHandler handler, FrameHeader header, byte[] body, FrameBuffer response, HandlerRequest request)
    {
        var token = _aborted.Token;
        _ = Task.Run(() => FinishLaterAsync(header, body, response, Invoke(handler, request, response, token)));
    }

    /// <summary>
    /// Runs a handler that sends frames of its own before its answer (a replication stream). It counts as one request in
    /// flight until it answers, and is cancelled when the connection closes or the server stops.
    /// </summary>
    private async ValueTask<HandlerResult> RunStreamAsync(IStreamingRequestHandler handler, HandlerRequest request, FrameBuffer response)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_aborted.Token, _stopRequested);
        var stream = new SessionResponseStream(this, request.RequestId);
        return await handler.HandleStreamAsync(request, stream, response, stop.Token).ConfigureAwait(false);
    }

    /// <summary>Queues a frame a streaming handler sends (flag RESPONSE, the stream's request id).</summary>
    private void SendStreamFrame<T>(Opcode opcode, ulong requestId, T message) where T : IWireMessage<T>
    {
        var buffer = RentBuffer();
        buffer.Build(opcode, FrameFlags.Response, requestId, message);
        Enqueue(buffer);
    }

    private static ValueTask<HandlerResult> Invoke(
        IRequestHandler handler, HandlerRequest request, FrameBuffer response, CancellationToken cancellationToken)
    {
        try
        {
            return handler.HandleAsync(request, response, cancellationToken);
        }
        catch (Exception e)
        {
            return ValueTask.FromException<HandlerResult>(e);
        }
    }

    private async Task FinishLaterAsync(FrameHeader header, byte[]? body, FrameBuffer response, ValueTask<HandlerResult> pending)
    {
        HandlerResult result = default;
        Exception? failure = null;
        try
        {
            result = await pending.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            failure = e;
        }
        Finish(header, body, response, result, failure);
    }

    /// <summary>Queues the answer of a request that left the read loop unanswered (asynchronous, on the thread pool,
    /// streaming, or failed).</summary>
    private void Finish(FrameHeader header, byte[]? body, FrameBuffer response, HandlerResult result, Exception? failure)
    {
        if (body is not null)
        {
            ArrayPool<byte>.Shared.Return(body);
        }
        if (failure is not null)
        {
            result = ToResult(header, failure);
        }
        result = LimitSize(header, response, result);
        if (result.IsSuccess)
        {
            response.Complete(header.Opcode, FrameFlags.Response, header.RequestId);
        }
        else
        {
            _settings.Metrics.Error(result.Code);
            response.Build(header.Opcode, FrameFlags.Response | FrameFlags.Error, header.RequestId,
                new ErrorResponse(result.Code, result.Message ?? "", result.PrimaryAddress));
        }
        // The slot is free before the answer can reach the client: a client that waits for an answer before sending
        // its next request is never answered BUSY (seen when the finishing thread was descheduled between the two).
        Interlocked.Decrement(ref _inFlight);
        Enqueue(response);
        _settings.AfterAnswerQueued?.Invoke();
        AnswerQueued();
    }

    /// <summary>TOO_LARGE instead of a successful answer over the maximum frame size.</summary>
    private HandlerResult LimitSize(FrameHeader header, FrameBuffer response, HandlerResult result)
    {
        var maxFrame = _settings.Limits.MaxFrameBytes;
        if (result.IsSuccess && (long)FrameHeader.Size + response.BodyLength > maxFrame)
        {
            // The peer's limit is the same as ours by default: a bigger frame would be a protocol error on its side.
            return HandlerResult.Error(ErrorCode.TooLarge,
                $"the {OpcodeInfo.Name(header.Opcode)} response of {FrameHeader.Size + (long)response.BodyLength} bytes " +
                $"exceeds the maximum frame size of {maxFrame}");
        }
        return result;
    }

    private HandlerResult ToResult(FrameHeader header, Exception failure)
    {
        switch (failure)
        {
            case RequestException request:
                return HandlerResult.Error(request.Code, request.Message, request.PrimaryAddress);
            case OperationCanceledException when _aborted.IsCancellationRequested:
                return HandlerResult.Error(ErrorCode.Internal, "the connection closed before the operation finished");
            default:
                _settings.Log.WriteLine(
                    $"agentdb: error: {OpcodeInfo.Name(header.Opcode)} request {header.RequestId} failed: {failure}");
                return HandlerResult.Error(ErrorCode.Internal,
                    $"internal error while executing {OpcodeInfo.Name(header.Opcode)}; the server log has the details");
        }
    }

    private void AnswerQueued()
    {
        if (Interlocked.Decrement(ref _unanswered) == 0 && Volatile.Read(ref _draining) == 1)
        {
            _drained.TrySetResult();
        }
    }

    private async Task DrainAsync()
    {
        Interlocked.Exchange(ref _draining, 1);
        if (Volatile.Read(ref _unanswered) == 0)
        {
            _drained.TrySetResult();
        }
        // Ends early if the host gives up waiting and aborts the connection.
        await _drained.Task.WaitAsync(_aborted.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Answers from the read loop (written after the current read, see <see cref="WriteReadBatchAsync"/>).</summary>
    private void Reply<T>(FrameHeader header, T message) where T : IWireMessage<T>
    {
        var buffer = TakeScratch();
        AppendAnswer(buffer.Build(header.Opcode, FrameFlags.Response, header.RequestId, message).Span);
        KeepScratch(buffer);
    }

    /// <summary>An error answer from the read loop.</summary>
    private void ReplyError(FrameHeader header, ErrorCode code, string message)
    {
        _settings.Metrics.Error(code);
        var buffer = TakeScratch();
        AppendAnswer(buffer.Build(header.Opcode, FrameFlags.Response | FrameFlags.Error, header.RequestId, new ErrorResponse(code, message)).Span);
        KeepScratch(buffer);
    }

    /// <summary>Adds a last error frame and closes the queue: nothing after this read's answers is sent.</summary>
    private void Fail(FrameHeader header, ErrorCode code, string message)
    {
        ReplyError(header, code, message);
        _failed = true;
        _outbound.Writer.TryComplete();
    }

    /// <summary>Writes the answers the read loop produced during one read, with one write and one flush.</summary>
    /// <returns>False when the transport failed or was completed.</returns>
    private async ValueTask<bool> WriteReadBatchAsync()
    {
        if (_answerBytes == 0)
        {
            return true;
        }
        var output = _transport.Output;
        await _outputGate.WaitAsync().ConfigureAwait(false);
        try
        {
            output.Write(_answers.AsSpan(0, _answerBytes));
            _settings.Metrics.FramesSent(_answerFrames, _answerBytes);
            ClearAnswers();
            var flushed = await output.FlushAsync().ConfigureAwait(false);
            return !flushed.IsCompleted && !flushed.IsCanceled;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            ClearAnswers();
            return false; // the peer is gone
        }
        finally
        {
            _outputGate.Release();
        }
    }

    private void Enqueue(FrameBuffer frame)
    {
        if (!_outbound.Writer.TryWrite(frame))
        {
            ReturnBuffer(frame); // the session is ending: the response has nobody to go to
        }
    }

    private async Task WriteLoopAsync()
    {
        var output = _transport.Output;
        var reader = _outbound.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                await _outputGate.WaitAsync().ConfigureAwait(false);
                try
                {
                    // Everything queued so far goes out in one flush; nothing after a protocol error's frame.
                    var wrote = false;
                    long framesOut = 0;
                    long bytesOut = 0;
                    while (!_failed && reader.TryRead(out var frame))
                    {
                        var bytes = frame.Frame;
                        output.Write(bytes.Span);
                        framesOut++;
                        bytesOut += bytes.Length;
                        ReturnBuffer(frame);
                        wrote = true;
                    }
                    _settings.Metrics.FramesSent(framesOut, bytesOut);
                    if (_failed)
                    {
                        break;
                    }
                    if (wrote)
                    {
                        var flushed = await output.FlushAsync().ConfigureAwait(false);
                        if (flushed.IsCompleted || flushed.IsCanceled)
                        {
                            break;
                        }
                    }
                }
                finally
                {
                    _outputGate.Release();
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The peer is gone; the read side notices on its own.
        }
        finally
        {
            _outbound.Writer.TryComplete();
            _transport.Input.CancelPendingRead();
            while (reader.TryRead(out var unsent))
            {
                ReturnBuffer(unsent);
            }
        }
    }

    private FrameBuffer RentBuffer()
    {
        lock (_spareBuffers)
        {
            if (_spareBuffers.TryPop(out var buffer))
            {
                buffer.Reset();
                return buffer;
            }
        }
        return new FrameBuffer();
    }

    private void ReturnBuffer(FrameBuffer buffer)
    {
        lock (_spareBuffers)
        {
            if (!_ended && _spareBuffers.Count < MaxRetainedBuffers && buffer.Capacity <= RetainedBufferCapacity)
            {
                _spareBuffers.Push(buffer);
                return;
            }
        }
        buffer.Dispose();
    }

    private void ReleaseSpareBuffers()
    {
        lock (_spareBuffers)
        {
            _ended = true;
            while (_spareBuffers.TryPop(out var buffer))
            {
                buffer.Dispose();
            }
        }
    }

    private static string OpcodeName(Opcode opcode) =>
        OpcodeInfo.IsDefined(opcode) ? OpcodeInfo.Name(opcode) : $"0x{(ushort)opcode:x4}";

    internal static string RoleName(AccessRole role) => role switch
    {
        AccessRole.Read => "read",
        AccessRole.Write => "write",
        AccessRole.Admin => "admin",
        AccessRole.Replication => "replication",
        _ => "none",
    };

    private sealed class SessionResponseStream(ProtocolSession session, ulong requestId) : IResponseStream
    {
        public void Send<T>(Opcode opcode, T message) where T : IWireMessage<T> =>
            session.SendStreamFrame(opcode, requestId, message);
    }
}
