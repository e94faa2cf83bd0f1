using AgentDb.Client;
using AgentDb.Memory;
using AgentDb.Memory.Embedding;
using AgentDb.Memory.Stores;
using AgentDb.Server.Engine.Memory;
using AgentDb.Server.Hosting;
using AgentDb.Server.Tests.Network;
using AgentDb.Wire.Messages;
using AgentDb.Wire.Messages.Memory;
using static AgentDb.Server.Tests.Memory.MemoryTestData;

namespace AgentDb.Server.Tests.Memory;

/// <summary>The agent memory's life in <c>serve</c>: opened in <c>DATA/memory</c> with the chosen embedder, kept across
/// restarts, refused with another embedder; and a memory split into stores, where a batch across them is refused.</summary>
public sealed class ServeMemoryTests
{
    [Fact]
    public async Task Memory_SurvivesARestart_AndAnotherEmbedderIsRefusedWithExitCodeTwo()
    {
        using var root = new TempDirectory();
        var data = Path.Combine(root.Path, "data");

        await using (var first = await MemoryServer.StartAsync("hashing-32", data))
        {
            await using (var client = await first.ConnectAsync())
            {
                await client.StoreEpisodeAsync(Episode("remember me", 1, true, id: "ep-kept"));
                await client.AddNodeAsync(Node("kept", "K"));
            }
            Assert.Equal(0, await first.StopAsync());
        }

        await using (var second = await MemoryServer.StartAsync("hashing-32", data))
        await using (var client = await second.ConnectAsync())
        {
            Assert.Equal("remember me", (await client.GetEpisodeAsync("ep-kept"))!.Task);
            Assert.NotNull(await client.GetNodeAsync("kept"));
            Assert.Equal(32, (await client.GetMemoryStatsAsync()).Dimension);
        }

        var stderr = new StringWriter();
        var options = ServerOptions.Default with { DataDirectory = data, Port = 0, HttpPort = 0 };
        var exit = await ServeCommand.RunAsync(
            options with { Embedder = new EmbedderSpec(EmbedderKind.Hashing, 64) }, new StringWriter(), stderr, CancellationToken.None);
        Assert.Equal(2, exit);
        Assert.Contains($"agentdb: error: agent memory in {Path.Combine(data, "db")}: ", stderr.ToString());
        Assert.Contains("--embedder", stderr.ToString());
        Assert.DoesNotContain("   at ", stderr.ToString());
        Assert.True(DataDirectoryLock.TryAcquire(data, out var released), "the data directory stays locked after a refused start");
        released.Dispose();
    }

    [Fact]
    public async Task ConfigFileEmbedder_AppliesWhenNoOptionNamesOne()
    {
        using var root = new TempDirectory();
        var config = Path.Combine(root.Path, "agentdb.json");
        File.WriteAllText(config, """{ "embedder": "hashing-24" }""");
        var stdout = new StringWriter();
        using var stop = new CancellationTokenSource();
        var run = ServeCommand.RunAsync(
            ServerOptions.Default with { DataDirectory = Path.Combine(root.Path, "data"), Port = 0, HttpPort = 0, ConfigFile = config },
            TextWriter.Synchronized(stdout), new StringWriter(), stop.Token);
        try
        {
            var port = await WaitForPortAsync(stdout, run);
            await using var client = await AgentDbClient.ConnectAsync("127.0.0.1", port, null);
            Assert.Equal(("hashing-24", 24), ((await client.GetMemoryStatsAsync()).Embedder, (await client.GetMemoryStatsAsync()).Dimension));
        }
        finally
        {
            await stop.CancelAsync();
            Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(60)));
        }
    }

    [Fact]
    public async Task OnnxEmbedderThatCannotLoad_ExitsTwo_WithoutTouchingTheMemoryDirectory()
    {
        using var root = new TempDirectory();
        var model = Path.Combine(root.Path, "m.onnx");
        var vocabulary = Path.Combine(root.Path, "vocab.txt");
        File.WriteAllText(model, "this is not an ONNX model");
        File.WriteAllText(vocabulary, "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\n");
        var data = Path.Combine(root.Path, "data");
        var stderr = new StringWriter();

        var exit = await ServeCommand.RunAsync(
            ServerOptions.Default with { DataDirectory = data, Port = 0, HttpPort = 0, Embedder = new EmbedderSpec(EmbedderKind.Onnx, 0, model, vocabulary) },
            new StringWriter(), stderr, CancellationToken.None);

        Assert.Equal(2, exit);
        Assert.StartsWith($"agentdb: error: cannot load embedder onnx:{model}:{vocabulary}: ", stderr.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(data, "memory")));
    }

    [Fact]
    public async Task MemoryBatch_AcrossFunctionalShards_IsBadRequest_AndWritesNothing()
    {
        using var root = new TempDirectory();
        using var memory = AgentMemory.Open(Path.Combine(root.Path, "memory"), new AgentMemoryOptions
        {
            Embedder = Embedders.Hashing(16),
            Layout = new MemoryStoreLayout { Functional = true },
        });
        await using var server = await TestServer.StartAsync(register: registry => MemoryHandlers.Register(registry, memory));
        await using var client = await server.ConnectAsync();

        var refused = await Assert.ThrowsAsync<AgentDbException>(() => client.ExecuteMemoryBatchAsync(
        [
            MemoryBatchOperation.StoreEpisode(Episode("split me", 1, true, id: "ep-split")),
            MemoryBatchOperation.AddNode(Node("split", "S")),
        ]));

        Assert.Equal(ErrorCode.BadRequest, refused.Code);
        Assert.Contains("stores", refused.Message);
        Assert.Null(await client.GetEpisodeAsync("ep-split"));
        Assert.Null(await client.GetNodeAsync("split"));
        Assert.Equal(4, (await client.GetMemoryStatsAsync()).Values.Single(v => v.Key == "stores").Value);

        var sameStore = await client.ExecuteMemoryBatchAsync(
            [MemoryBatchOperation.AddNode(Node("a", "S")), MemoryBatchOperation.AddNode(Node("b", "S")), MemoryBatchOperation.AddEdge(Edge("a", "R", "b"))]);
        Assert.Equal(3, sameStore.Count);
        Assert.Single(await client.NeighborsAsync("a"));
    }

    [Fact]
    public void EveryMemoryOpcode_HasAHandler_RunOnTheThreadPool()
    {
        using var root = new TempDirectory();
        using var memory = AgentMemory.Open(Path.Combine(root.Path, "memory"), new AgentMemoryOptions { Embedder = Embedders.Hashing(8) });
        var registry = MemoryHandlers.Register(AgentDb.Server.Network.Handlers.RequestHandlerRegistry.WithoutEngine(), memory);
        var fallback = AgentDb.Server.Network.Handlers.RequestHandlerRegistry.WithoutEngine().Resolve(AgentDb.Wire.Frames.Opcode.EpisodeStore);

        foreach (var opcode in AgentDb.Wire.Frames.MemoryOpcodes.All)
        {
            var handler = registry.Resolve(opcode, out var execution);
            Assert.Equal(AgentDb.Server.Network.Handlers.HandlerExecution.ThreadPool, execution);
            Assert.NotEqual(fallback.GetType(), handler.GetType());
        }
    }

    private static async Task<int> WaitForPortAsync(StringWriter stdout, Task<int> run)
    {
        for (var i = 0; i < 1_000 && !run.IsCompleted; i++)
        {
            var match = System.Text.RegularExpressions.Regex.Match(stdout.ToString(), @"protocol=[^ ]*:([0-9]+) ");
            if (match.Success)
            {
                return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
            await Task.Delay(20);
        }
        Assert.Fail($"serve did not become ready: {stdout}");
        return 0;
    }
}
