using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading.Channels;
using AgentDb.Wire;
using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Client;

/// <summary>
/// One connection to an AgentDb server. Thread-safe: any number of requests may be in flight at once (pipelining);
/// each is paired with its response by request id, whatever order responses arrive in. A single reader loop
/// completes the pending requests; a single writer loop sends queued requests, several per flush.
/// </summary>
/// <remarks>
/// Errors: a request answered with an error response throws <see cref="AgentDbException"/> (with the
/// <see cref="ErrorCode"/>); a request with no response within <see cref="AgentDbClientOptions.RequestTimeout"/>
/// throws <see cref="TimeoutException"/>; a lost or closed connection throws <see cref="AgentDbConnectionException"/>
/// for every request in flight and every later one (with <see cref="AgentDbConnectionException.RequestNotSent"/> true
/// for those that never left the client). With <see cref="AgentDbClientOptions.UseTls"/> the connection runs over TLS.
/// For several connections, retries and following NOT_PRIMARY, use <see cref="AgentDbClientPool"/>.
/// </remarks>
public sealed partial class AgentDbClient : IAgentDbSender, IAsyncDisposable
{
    private readonly PipeReader _input;
    private readonly Stream _stream;
    private readonly AgentDbClientOptions _options;
    private readonly ConcurrentDictionary<ulong, PendingRequest> _pending = new();
    private readonly Channel<PendingRequest> _outbound =
        Channel.CreateUnbounded<PendingRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _reading;
    private readonly Task _writing;
    private SemaphoreSlim? _inFlightSlots;
    private HelloResponse? _session;
    private Exception? _closedBecause;
    private long _lastRequestId;
    private int _disposed;

    private AgentDbClient(Stream stream, AgentDbClientOptions options)
    {
        _options = options;
        _stream = stream;
        _input = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
        _reading = ReadLoopAsync();
        _writing = WriteLoopAsync();
    }

    /// <summary>What the server said in HELLO: its name, the protocol version, this key's role and the limits.</summary>
    public HelloResponse Session => _session ?? throw new InvalidOperationException("HELLO has not completed");

    /// <summary>False once the connection is closed or broken: every later request fails with
    /// <see cref="AgentDbConnectionException"/> (<see cref="AgentDbConnectionException.RequestNotSent"/> true).</summary>
    public bool IsConnected => Volatile.Read(ref _closedBecause) is null;

    /// <summary>Requests sent or queued and not answered yet.</summary>
    public int InFlight => _pending.Count;

    /// <summary>Connects, sends HELLO with <paramref name="apiKey"/>, and returns the ready client.</summary>
    /// <param name="host">The server's host name or IP address.</param>
    /// <param name="port">The server's protocol port.</param>
    /// <param name="apiKey">The API key; null when the server runs without keys.</param>
    /// <param name="options">Settings; null for <see cref="AgentDbClientOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels connecting.</param>
    /// <exception cref="AgentDbException">HELLO was refused: <see cref="ErrorCode.Unauthorized"/> for a bad key,
    /// <see cref="ErrorCode.Busy"/> when the server is at its connection limit.</exception>
    /// <exception cref="AgentDbConnectionException">The connection failed, or the TLS handshake failed (the server's
    /// certificate was not accepted, or the server does not speak TLS).</exception>
    /// <exception cref="TimeoutException">Connecting, the TLS handshake and HELLO took longer than the connect timeout.</exception>
    public static async Task<AgentDbClient> ConnectAsync(
        string host, int port, string? apiKey, AgentDbClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= AgentDbClientOptions.Default;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.ConnectTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TimeoutException($"connecting to {host}:{port} took longer than {options.ConnectTimeout}");
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new AgentDbConnectionException($"cannot connect to {host}:{port}: {e.Message}", e, requestNotSent: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        Stream stream = new NetworkStream(socket, ownsSocket: true);
        if (options.UseTls)
        {
            var tls = new SslStream(stream, leaveInnerStreamOpen: false);
            try
            {
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = options.TlsTargetHost ?? host,
                    RemoteCertificateValidationCallback = options.RemoteCertificateValidation,
                }, deadline.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
            {
                await tls.DisposeAsync().ConfigureAwait(false);
                if (e is OperationCanceledException)
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        throw;
                    }
                    throw new TimeoutException($"the TLS handshake with {host}:{port} took longer than {options.ConnectTimeout}");
                }
                throw new AgentDbConnectionException($"the TLS handshake with {host}:{port} failed: {e.Message}", e, requestNotSent: true);
            }
            stream = tls;
        }

        var client = new AgentDbClient(stream, options);
        try
        {
            var hello = new HelloRequest(WireInfo.ProtocolVersion, WireInfo.ProtocolVersion, apiKey, options.ClientName);
            var session = await client.SendAsync<HelloRequest, HelloResponse>(Opcode.Hello, hello, options.ConnectTimeout, deadline.Token)
                .ConfigureAwait(false);
            client._session = session;
            if (options.WaitForInFlightSlot && session.MaxInFlight > 0)
            {
                client._inFlightSlots = new SemaphoreSlim(session.MaxInFlight, session.MaxInFlight);
            }
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Sends any request and decodes its response: the path every typed operation goes through.</summary>
    /// <typeparam name="TRequest">The request message.</typeparam>
    /// <typeparam name="TResponse">The response message the opcode answers with.</typeparam>
    /// <param name="opcode">The operation.</param>
    /// <param name="request">The request body.</param>
    /// <param name="cancellationToken">Stops waiting; the request may still be executed by the server.</param>
    /// <exception cref="AgentDbException">The server answered with an error.</exception>
    /// <exception cref="AgentDbConnectionException">The connection is gone, or the response could not be decoded.</exception>
    /// <exception cref="TimeoutException">No answer within the request timeout.</exception>
    public Task<TResponse> SendAsync<TRequest, TResponse>(Opcode opcode, TRequest request, CancellationToken cancellationToken = default)
        where TRequest : IWireMessage<TRequest>
        where TResponse : IWireMessage<TResponse> =>
        SendAsync<TRequest, TResponse>(opcode, request, _options.RequestTimeout, cancellationToken);

    /// <summary>Closes the connection. Requests still in flight fail with <see cref="AgentDbConnectionException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        Close(new AgentDbConnectionException("the client was disposed"));
        await Task.WhenAll(_reading, _writing).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _input.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        _closing.Dispose();
        _inFlightSlots?.Dispose();
    }

    private async Task<TResponse> SendAsync<TRequest, TResponse>(
        Opcode opcode, TRequest request, TimeSpan timeout, CancellationToken cancellationToken)
        where TRequest : IWireMessage<TRequest>
        where TResponse : IWireMessage<TResponse>
    {
        var slots = _inFlightSlots;
        if (slots is not null && !await slots.WaitAsync(timeout, cancellationToken).ConfigureAwait(false))
        {
            throw new TimeoutException(
                $"{OpcodeInfo.Name(opcode)} waited longer than {timeout} for one of the server's {Session.MaxInFlight} in-flight slots");
        }
        try
        {
            var response = await ExchangeAsync(opcode, request, timeout, cancellationToken).ConfigureAwait(false);
            if (response.IsError)
            {
                throw MessageCodec.TryDecode<ErrorResponse>(response.Body, out var error, out var reason)
                    ? new AgentDbException(error.Code, error.Message, error.PrimaryAddress)
                    : new AgentDbConnectionException($"the server sent an invalid error body for {OpcodeInfo.Name(opcode)}: {reason}");
            }
            if (!MessageCodec.TryDecode<TResponse>(response.Body, out var message, out var problem))
            {
                throw new AgentDbConnectionException($"the server sent an invalid {OpcodeInfo.Name(opcode)} response: {problem}");
            }
            return message;
        }
        finally
        {
            slots?.Release();
        }
    }

    private async Task<Response> ExchangeAsync<TRequest>(
        Opcode opcode, TRequest request, TimeSpan timeout, CancellationToken cancellationToken)
        where TRequest : IWireMessage<TRequest>
    {
        if (_closedBecause is { } closed)
        {
            throw NotSent(closed);
        }
        var id = (ulong)Interlocked.Increment(ref _lastRequestId);
        var frame = new FrameBuffer();
        try
        {
            frame.Build(opcode, FrameFlags.None, id, request);
        }
        catch
        {
            frame.Dispose();
            throw;
        }
        var pending = new PendingRequest(frame);
        _pending[id] = pending;
        if (!_outbound.Writer.TryWrite(pending))
        {
            frame.Dispose();
            _pending.TryRemove(id, out _);
            throw NotSent(_closedBecause);
        }
        // Closed between the check above and the queueing: Close may have run before the entry existed.
        if (_closedBecause is { } lost && _pending.TryRemove(id, out _))
        {
            throw Lost(lost, notSent: pending.TryAbandon());
        }
        try
        {
            return await pending.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _pending.TryRemove(id, out _);
            pending.TryAbandon(); // not written yet: it never will be
            throw new TimeoutException($"{OpcodeInfo.Name(opcode)} request {id} got no response within {timeout}");
        }
        catch (OperationCanceledException)
        {
            _pending.TryRemove(id, out _);
            pending.TryAbandon();
            throw;
        }
    }

    private static Exception NotSent(Exception? reason) =>
        reason is null ? new AgentDbConnectionException("the connection is closed", null, requestNotSent: true) : Lost(reason, notSent: true);

    /// <summary>The exception for a request lost with the connection: what the server said about the connection
    /// (request id 0, e.g. BUSY at its connection limit), else a connection exception.</summary>
    private static Exception Lost(Exception reason, bool notSent) => reason is AgentDbException serverSaid
        ? new AgentDbException(serverSaid.Code, serverSaid.Message, serverSaid.PrimaryAddress)
        : new AgentDbConnectionException(reason.Message, reason, notSent);

    private async Task WriteLoopAsync()
    {
        var reader = _outbound.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_closing.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var pending))
                {
                    if (!pending.TryMarkSent())
                    {
                        pending.Frame.Dispose(); // timed out, cancelled or failed before it was written
                        continue;
                    }
                    try
                    {
                        await _stream.WriteAsync(pending.Frame.Frame, _closing.Token).ConfigureAwait(false);
                    }
                    finally
                    {
                        pending.Frame.Dispose();
                    }
                }
                await _stream.FlushAsync(_closing.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            Close(new AgentDbConnectionException($"sending to the server failed: {e.Message}", e));
        }
        finally
        {
            while (reader.TryRead(out var unsent))
            {
                unsent.TryAbandon();
                unsent.Frame.Dispose();
            }
        }
    }

    private async Task ReadLoopAsync()
    {
        Exception reason = new AgentDbConnectionException("the server closed the connection");
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync(_closing.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                var consumed = buffer.Start;
                try
                {
                    while (true)
                    {
                        var status = FrameReader.Read(ref buffer, _options.MaxFrameSize, out var frame);
                        if (status == FrameStatus.Incomplete)
                        {
                            break;
                        }
                        if (status != FrameStatus.Complete)
                        {
                            reason = new AgentDbConnectionException(
                                $"the server broke the protocol: {FrameReader.Describe(status, frame.Header, _options.MaxFrameSize)}");
                            return;
                        }
                        consumed = buffer.Start;
                        OnFrame(frame, ref reason);
                    }
                    if (result.IsCompleted)
                    {
                        return;
                    }
                }
                finally
                {
                    _input.AdvanceTo(consumed, buffer.End);
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            reason = new AgentDbConnectionException($"the connection failed: {e.Message}", e);
        }
        finally
        {
            Close(reason);
        }
    }

    private void OnFrame(in Frame frame, ref Exception reason)
    {
        var header = frame.Header;
        var response = new Response(header.IsError, frame.Body.ToArray());
        if (header.RequestId != 0 && _pending.TryRemove(header.RequestId, out var pending))
        {
            pending.TrySetResult(response);
            return;
        }
        // Request id 0 is the server speaking about the connection itself (e.g. BUSY at its connection limit):
        // it is about to close, and what it said is why.
        if (header.IsError && MessageCodec.TryDecode<ErrorResponse>(response.Body, out var error, out _))
        {
            reason = new AgentDbException(error.Code, error.Message, error.PrimaryAddress);
        }
    }

    private void Close(Exception reason)
    {
        Interlocked.CompareExchange(ref _closedBecause, reason, null);
        _outbound.Writer.TryComplete();
        if (!_closing.IsCancellationRequested)
        {
            try
            {
                _closing.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }
        var closed = _closedBecause!;
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var pending))
            {
                // A request the writer had not taken yet is abandoned here, so it provably never leaves.
                pending.TrySetException(Lost(closed, notSent: pending.TryAbandon()));
            }
        }
    }

    private readonly record struct Response(bool IsError, ReadOnlyMemory<byte> Body);

    /// <summary>A request waiting for its response, with the state that tells whether its bytes may have left.</summary>
    private sealed class PendingRequest(FrameBuffer frame) : TaskCompletionSource<Response>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        private const int Queued = 0;
        private const int Sent = 1;
        private const int Abandoned = 2;

        private int _state;

        public FrameBuffer Frame { get; } = frame;

        /// <summary>The writer takes the request: false when it was abandoned first (then it is not written).</summary>
        public bool TryMarkSent() => Interlocked.CompareExchange(ref _state, Sent, Queued) == Queued;

        /// <summary>Makes sure the request is never written: false when the writer has already taken it.</summary>
        public bool TryAbandon() => Interlocked.CompareExchange(ref _state, Abandoned, Queued) is Queued or Abandoned;
    }
}
