using System.Buffers;
using System.IO.Pipelines;
using AgentDb.Server.Network;
using AgentDb.Server.Network.Auth;
using AgentDb.Server.Network.Handlers;
using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Tests.Network;

/// <summary>A <see cref="ProtocolSession"/> driven through in-memory pipes, without sockets: the hot path measured.
/// Alone in a non-parallel collection, because the allocation counter is process-wide.</summary>
[Collection(nameof(AllocationMeasurements))]
public sealed class InMemorySessionTests
{
    [Fact]
    public async Task PingHotPath_AllocatesAlmostNothingPerRequest()
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        var settings = new SessionSettings(
            RequestHandlerRegistry.WithoutEngine(), ApiKeyStore.Disabled, ServerLimits.Default, new ServerMetrics(),
            "agentdb/test", TextWriter.Null);
        var session = new ProtocolSession(new DuplexPipe(toServer.Reader, toClient.Writer), settings, CancellationToken.None);
        using var stop = new CancellationTokenSource();
        var running = Task.Run(() => session.RunAsync(stop.Token));

        await toServer.Writer.WriteAsync(RawConnection.Frame(Opcode.Hello, 1, new HelloRequest(1, 1, null, null)));
        await ReadFramesAsync(toClient.Reader, 1);

        const int batch = 64;
        var pings = new byte[batch][];
        for (var i = 0; i < batch; i++)
        {
            pings[i] = RawConnection.Frame(Opcode.Ping, (ulong)(i + 2), EmptyMessage.Instance);
        }
        // Warm up: pools, channel segments, JIT tiers.
        for (var round = 0; round < 20; round++)
        {
            await SendAsync(toServer.Writer, pings);
            await ReadFramesAsync(toClient.Reader, batch);
        }

        // The counter is process-wide: the best of three runs filters out whatever else the process was doing.
        const int rounds = 50;
        var perRequest = double.MaxValue;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            for (var round = 0; round < rounds; round++)
            {
                await SendAsync(toServer.Writer, pings);
                await ReadFramesAsync(toClient.Reader, batch);
            }
            perRequest = Math.Min(perRequest, (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)(rounds * batch));
        }

        await stop.CancelAsync();
        await toServer.Writer.CompleteAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        // The test's own side (send and read loops) allocates too; the budget covers both.
        Assert.True(perRequest < 48, $"{perRequest:F1} bytes allocated per PING");
    }

    private static async Task SendAsync(PipeWriter writer, byte[][] frames)
    {
        foreach (var frame in frames)
        {
            writer.Write(frame);
        }
        await writer.FlushAsync();
    }

    private static async Task ReadFramesAsync(PipeReader reader, int count)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = 0;
        while (seen < count)
        {
            var result = await reader.ReadAsync(deadline.Token);
            var buffer = result.Buffer;
            while (FrameReader.Read(ref buffer, int.MaxValue, out var frame) == FrameStatus.Complete)
            {
                Assert.False(frame.Header.IsError);
                seen++;
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
            Assert.False(result.IsCompleted && seen < count, "the session closed early");
        }
    }

    private sealed class DuplexPipe : IDuplexPipe
    {
        public DuplexPipe(PipeReader input, PipeWriter output)
        {
            Input = input;
            Output = output;
        }

        public PipeReader Input { get; }

        public PipeWriter Output { get; }
    }
}
