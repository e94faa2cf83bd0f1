using System.Buffers;
using AgentDb.Client;
using AgentDb.Server.Network.Handlers;
using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Tests.Network;

/// <summary>A handler registered for the thread pool runs off the connection's read loop: while it blocks, the same
/// connection is still served.</summary>
public sealed class HandlerExecutionTests
{
    [Fact]
    public async Task ThreadPoolHandler_ThatBlocks_DoesNotStopTheConnectionFromBeingServed()
    {
        using var blocking = new BlockingHandler();
        await using var server = await TestServer.StartAsync(register: h => h.Register(Opcode.Stats, blocking, HandlerExecution.ThreadPool));
        await using var client = await server.ConnectAsync();

        var stats = client.StatsAsync("docs");
        Assert.True(blocking.Started.Wait(TimeSpan.FromSeconds(10)), "the handler never ran");
        await client.PingAsync().WaitAsync(TimeSpan.FromSeconds(10)); // answered while STATS blocks its thread
        Assert.False(stats.IsCompleted);

        blocking.Release.Set();
        Assert.Equal("blocked", Assert.Single(await stats).Key);
    }

    [Fact]
    public void Registry_ReportsWhereEachHandlerRuns()
    {
        var registry = RequestHandlerRegistry.WithoutEngine()
            .Register(Opcode.Get, new BlockingHandler())
            .Register(Opcode.Search, new BlockingHandler(), HandlerExecution.ThreadPool);

        registry.Resolve(Opcode.Get, out var get);
        registry.Resolve(Opcode.Search, out var search);
        registry.Resolve(Opcode.Delete, out var fallback);

        Assert.Equal((HandlerExecution.Inline, HandlerExecution.ThreadPool, HandlerExecution.Inline), (get, search, fallback));
    }

    /// <summary>Blocks its thread (synchronously, as a long scan would) until released, then answers STATS.</summary>
    private sealed class BlockingHandler : IRequestHandler, IDisposable
    {
        public ManualResetEventSlim Started { get; } = new();

        public ManualResetEventSlim Release { get; } = new();

        public ValueTask<HandlerResult> HandleAsync(HandlerRequest request, IBufferWriter<byte> responseBody, CancellationToken cancellationToken)
        {
            Started.Set();
            Release.Wait(TimeSpan.FromSeconds(20), cancellationToken);
            MessageCodec.Encode(responseBody, new StatsResponse([new KeyValuePair<string, long>("blocked", 1)]));
            return ValueTask.FromResult(HandlerResult.Success);
        }

        public void Dispose()
        {
            Started.Dispose();
            Release.Dispose();
        }
    }
}
