using System.Net.Sockets;
using AgentDb.Wire;
using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Tests.Network;

/// <summary>A bare TCP socket speaking frames by hand, to send what a well-behaved client never would.</summary>
internal sealed class RawConnection : IAsyncDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    private readonly Socket _socket;

    private RawConnection(Socket socket) => _socket = socket;

    public static async Task<RawConnection> ConnectAsync(int port)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync("127.0.0.1", port);
        return new RawConnection(socket);
    }

    public static byte[] Frame<T>(Opcode opcode, ulong requestId, T message) where T : IWireMessage<T>
    {
        using var buffer = new FrameBuffer();
        return buffer.Build(opcode, FrameFlags.None, requestId, message).ToArray();
    }

    public static byte[] RawFrame(Opcode opcode, ulong requestId, byte[] body)
    {
        var frame = new byte[FrameHeader.Size + body.Length];
        new FrameHeader(opcode, FrameFlags.None, requestId, (uint)body.Length).Write(frame);
        body.CopyTo(frame, FrameHeader.Size);
        return frame;
    }

    public async Task SendAsync(byte[] bytes)
    {
        using var deadline = new CancellationTokenSource(s_timeout);
        await _socket.SendAsync(bytes, SocketFlags.None, deadline.Token);
    }

    /// <summary>Sends HELLO (no key unless given) and asserts it succeeded.</summary>
    public async Task HelloAsync(string? apiKey = null)
    {
        await SendAsync(Frame(Opcode.Hello, 1, new HelloRequest(1, 1, apiKey, "raw-test")));
        var (header, _) = await ReadFrameAsync();
        Assert.False(header.IsError, "HELLO failed");
    }

    /// <summary>Reads one frame; fails the test on timeout or end of stream.</summary>
    public async Task<(FrameHeader Header, byte[] Body)> ReadFrameAsync()
    {
        var headerBytes = new byte[FrameHeader.Size];
        Assert.True(await ReadExactlyAsync(headerBytes), "the server closed the connection instead of sending a frame");
        var header = FrameHeader.Read(headerBytes);
        Assert.Equal(FrameHeader.MagicValue, header.Magic);
        Assert.True(header.BodyLength <= WireInfo.DefaultMaxFrameSize);
        var body = new byte[header.BodyLength];
        Assert.True(await ReadExactlyAsync(body), "the connection closed inside a frame");
        return (header, body);
    }

    /// <summary>Reads one frame and asserts it is an error response with <paramref name="code"/>.</summary>
    public async Task<ErrorResponse> ReadErrorAsync(ErrorCode code, ulong requestId)
    {
        var (header, body) = await ReadFrameAsync();
        Assert.True(header.IsError, $"expected an error frame, got {header.Opcode} flags {header.Flags}");
        Assert.Equal(requestId, header.RequestId);
        Assert.True(MessageCodec.TryDecode<ErrorResponse>(body, out var error, out var reason), reason);
        Assert.Equal(code, error.Code);
        return error;
    }

    /// <summary>Asserts the server closes the connection (end of stream) without sending anything more.</summary>
    public async Task AssertClosedByServerAsync()
    {
        var buffer = new byte[1];
        using var deadline = new CancellationTokenSource(s_timeout);
        int read;
        try
        {
            read = await _socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            read = 0;
        }
        Assert.Equal(0, read);
    }

    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<bool> ReadExactlyAsync(byte[] destination)
    {
        using var deadline = new CancellationTokenSource(s_timeout);
        var filled = 0;
        while (filled < destination.Length)
        {
            var read = await _socket.ReceiveAsync(destination.AsMemory(filled), SocketFlags.None, deadline.Token);
            if (read == 0)
            {
                return false;
            }
            filled += read;
        }
        return true;
    }
}
