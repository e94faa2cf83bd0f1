using System.Net;
using System.Net.Sockets;
using AgentDb.Wire;
using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Tests.Network;

/// <summary>
/// A stand-in server on 127.0.0.1 that speaks just enough of the protocol to misbehave on purpose: it answers HELLO,
/// then asks <see cref="Script"/> what to do with each request of each connection (answer, or drop the connection
/// without answering). Answers GET, UPSERT and PING with fixed responses.
/// </summary>
internal sealed class ScriptedServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accepting;
    private int _connectionCount;
    private int _requestCount;

    /// <param name="script">Given the connection's index (0 = first accepted) and the request's header: true to answer,
    /// false to close the connection without answering.</param>
    /// <param name="closeAfterHello">Connections (by index) to close right after answering HELLO.</param>
    public ScriptedServer(Func<int, FrameHeader, bool> script, params int[] closeAfterHello)
    {
        Script = script;
        CloseAfterHello = closeAfterHello;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Func<int, FrameHeader, bool> Script { get; }

    public int[] CloseAfterHello { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connectionCount);

    /// <summary>Requests other than HELLO received so far, over every connection.</summary>
    public int Requests => Volatile.Read(ref _requestCount);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Task[] running;
        lock (_connections)
        {
            running = [.. _connections];
        }
        await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            var index = Interlocked.Increment(ref _connectionCount) - 1;
            lock (_connections)
            {
                _connections.Add(ServeAsync(socket, index));
            }
        }
    }

    private async Task ServeAsync(Socket socket, int index)
    {
        using var _ = socket;
        using var stream = new NetworkStream(socket, ownsSocket: false);
        var header = new byte[FrameHeader.Size];
        try
        {
            // Bounded by the connection: each pass reads one frame or ends.
            while (true)
            {
                await stream.ReadExactlyAsync(header, _stop.Token);
                var frame = FrameHeader.Read(header);
                var body = new byte[frame.BodyLength];
                await stream.ReadExactlyAsync(body, _stop.Token);
                if (frame.Opcode == Opcode.Hello)
                {
                    await SendAsync(stream, frame, new HelloResponse(WireInfo.ProtocolVersion, "scripted", AccessRole.Admin, WireInfo.DefaultMaxFrameSize, 128));
                    if (Array.IndexOf(CloseAfterHello, index) >= 0)
                    {
                        return;
                    }
                    continue;
                }
                Interlocked.Increment(ref _requestCount);
                if (!Script(index, frame))
                {
                    return; // drop the connection, the request unanswered
                }
                switch (frame.Opcode)
                {
                    case Opcode.Get:
                        await SendAsync(stream, frame, new GetResponse("a1", default, default, 7));
                        break;
                    case Opcode.Upsert:
                        await SendAsync(stream, frame, new UpsertResponse(7, true));
                        break;
                    default:
                        await SendAsync(stream, frame, EmptyMessage.Instance);
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or EndOfStreamException)
        {
            // The client went away, or the test ended.
        }
    }

    private async Task SendAsync<T>(NetworkStream stream, FrameHeader request, T message) where T : IWireMessage<T>
    {
        using var buffer = new FrameBuffer();
        var frame = buffer.Build(request.Opcode, FrameFlags.Response, request.RequestId, message);
        await stream.WriteAsync(frame, _stop.Token);
    }
}
