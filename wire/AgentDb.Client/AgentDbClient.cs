using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Sockets;
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
/// for every request in flight and every later one.
/// </remarks>
public sealed class AgentDbClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly PipeReader _input;
    private readonly Stream _stream;
    private readonly AgentDbClientOptions _options;
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource<Response>> _pending = new();
    private readonly Channel<FrameBuffer> _outbound =
        Channel.CreateUnbounded<FrameBuffer>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _reading;
    private readonly Task _writing;
    private SemaphoreSlim? _inFlightSlots;
    private HelloResponse? _session;
    private Exception? _closedBecause;
    private long _lastRequestId;
    private int _disposed;

    private AgentDbClient(Socket socket, AgentDbClientOptions options)
    {
        _socket = socket;
        _options = options;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _input = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
        _reading = ReadLoopAsync();
        _writing = WriteLoopAsync();
    }

    /// <summary>What the server said in HELLO: its name, the protocol version, this key's role and the limits.</summary>
    public HelloResponse Session => _session ?? throw new InvalidOperationException("HELLO has not completed");

    /// <summary>Connects, sends HELLO with <paramref name="apiKey"/>, and returns the ready client.</summary>
    /// <param name="host">The server's host name or IP address.</param>
    /// <param name="port">The server's protocol port.</param>
    /// <param name="apiKey">The API key; null when the server runs without keys.</param>
    /// <param name="options">Settings; null for <see cref="AgentDbClientOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels connecting.</param>
    /// <exception cref="AgentDbException">HELLO was refused: <see cref="ErrorCode.Unauthorized"/> for a bad key,
    /// <see cref="ErrorCode.Busy"/> when the server is at its connection limit.</exception>
    /// <exception cref="AgentDbConnectionException">The connection failed.</exception>
    /// <exception cref="TimeoutException">Connecting and HELLO took longer than the connect timeout.</exception>
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
            throw new AgentDbConnectionException($"cannot connect to {host}:{port}: {e.Message}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var client = new AgentDbClient(socket, options);
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

    /// <summary>One round trip to the server.</summary>
    /// <exception cref="AgentDbException">The server answered with an error.</exception>
    /// <exception cref="AgentDbConnectionException">The connection is gone.</exception>
    /// <exception cref="TimeoutException">No answer within the request timeout.</exception>
    public async Task PingAsync(CancellationToken cancellationToken = default) =>
        await SendAsync<EmptyMessage, EmptyMessage>(Opcode.Ping, EmptyMessage.Instance, cancellationToken).ConfigureAwait(false);

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
            throw new AgentDbConnectionException(closed.Message, closed);
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
        var completion = new TaskCompletionSource<Response>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = completion;
        if (!_outbound.Writer.TryWrite(frame))
        {
            frame.Dispose();
            _pending.TryRemove(id, out _);
            var reason = _closedBecause;
            throw new AgentDbConnectionException(reason?.Message ?? "the connection is closed", reason);
        }
        try
        {
            return await completion.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _pending.TryRemove(id, out _);
            throw new TimeoutException($"{OpcodeInfo.Name(opcode)} request {id} got no response within {timeout}");
        }
        catch (OperationCanceledException)
        {
            _pending.TryRemove(id, out _);
            throw;
        }
    }

    private async Task WriteLoopAsync()
    {
        var reader = _outbound.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_closing.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var frame))
                {
                    try
                    {
                        await _stream.WriteAsync(frame.Frame, _closing.Token).ConfigureAwait(false);
                    }
                    finally
                    {
                        frame.Dispose();
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
                unsent.Dispose();
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
        if (header.RequestId != 0 && _pending.TryRemove(header.RequestId, out var completion))
        {
            completion.TrySetResult(response);
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
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var completion))
            {
                completion.TrySetException(_closedBecause is AgentDbException connectionLevel
                    ? new AgentDbException(connectionLevel.Code, connectionLevel.Message, connectionLevel.PrimaryAddress)
                    : new AgentDbConnectionException(_closedBecause!.Message, _closedBecause));
            }
        }
    }

    private readonly record struct Response(bool IsError, ReadOnlyMemory<byte> Body);
}
