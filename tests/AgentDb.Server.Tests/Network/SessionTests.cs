using AgentDb.Client;
using AgentDb.Server.Network;
using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Tests.Network;

/// <summary>A real server on 127.0.0.1 and the .NET client: HELLO, PING, auth, roles, pipelining, handlers.</summary>
public sealed class SessionTests
{
    [Fact]
    public async Task HelloAndPing_WithAuthenticationOff_SucceedAsAdmin()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        await client.PingAsync();

        Assert.Equal(1, client.Session.Version);
        Assert.Equal("agentdb/test", client.Session.ServerName);
        Assert.Equal(AccessRole.Admin, client.Session.Role);
        Assert.Equal(ServerLimits.Default.MaxFrameBytes, client.Session.MaxFrameSize);
        Assert.Equal(ServerLimits.Default.MaxInFlightPerConnection, client.Session.MaxInFlight);
    }

    [Fact]
    public async Task Hello_WithAValidKey_ReportsItsRole()
    {
        await using var server = await TestServer.StartAsync(keys: TestServer.ThreeKeys);
        await using var client = await server.ConnectAsync(TestServer.WriteKey);

        await client.PingAsync();

        Assert.Equal(AccessRole.Write, client.Session.Role);
    }

    [Theory]
    [InlineData("wrong-key-0123456789", "invalid API key")]
    [InlineData(null, "requires an API key")]
    public async Task Hello_WithABadOrMissingKey_IsUnauthorized_AndTheServerCloses(string? key, string message)
    {
        await using var server = await TestServer.StartAsync(keys: TestServer.ThreeKeys);

        var e = await Assert.ThrowsAsync<AgentDbException>(() => server.ConnectAsync(key));

        Assert.Equal(ErrorCode.Unauthorized, e.Code);
        Assert.Contains(message, e.Message);

        await using var raw = await server.ConnectRawAsync();
        await raw.SendAsync(RawConnection.Frame(Opcode.Hello, 5, new HelloRequest(1, 1, key, null)));
        await raw.ReadErrorAsync(ErrorCode.Unauthorized, 5);
        await raw.AssertClosedByServerAsync();
    }

    [Fact]
    public async Task RequestBeforeHello_IsUnauthorized_AndTheServerCloses()
    {
        await using var server = await TestServer.StartAsync();
        await using var raw = await server.ConnectRawAsync();

        await raw.SendAsync(RawConnection.Frame(Opcode.Ping, 3, EmptyMessage.Instance));

        var error = await raw.ReadErrorAsync(ErrorCode.Unauthorized, 3);
        Assert.Contains("HELLO must be the first request", error.Message);
        await raw.AssertClosedByServerAsync();
    }

    [Fact]
    public async Task Hello_WithNoCommonVersion_IsBadRequest_AndTheServerCloses()
    {
        await using var server = await TestServer.StartAsync();
        await using var raw = await server.ConnectRawAsync();

        await raw.SendAsync(RawConnection.Frame(Opcode.Hello, 1, new HelloRequest(2, 3, null, null)));

        var error = await raw.ReadErrorAsync(ErrorCode.BadRequest, 1);
        Assert.Contains("no common protocol version", error.Message);
        await raw.AssertClosedByServerAsync();
    }

    [Fact]
    public async Task SecondHello_IsBadRequest_AndTheConnectionStaysOpen()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        var e = await Assert.ThrowsAsync<AgentDbException>(() =>
            client.SendAsync<HelloRequest, HelloResponse>(Opcode.Hello, new HelloRequest(1, 1, null, null)));

        Assert.Equal(ErrorCode.BadRequest, e.Code);
        await client.PingAsync();
    }

    [Fact]
    public async Task ReadKey_CannotCallAWriteOperation_ButCanRead()
    {
        await using var server = await TestServer.StartAsync(keys: TestServer.ThreeKeys, register: handlers => handlers
            .Register(Opcode.Upsert, new BodySizeUpsertHandler())
            .Register(Opcode.Stats, new DelayingStatsHandler()));
        await using var reader = await server.ConnectAsync(TestServer.ReadKey);
        await using var writer = await server.ConnectAsync(TestServer.WriteKey);
        var upsert = new UpsertRequest("docs", "a1", new float[] { 1, 2 }, ReadOnlyMemory<byte>.Empty);

        var e = await Assert.ThrowsAsync<AgentDbException>(() =>
            reader.SendAsync<UpsertRequest, UpsertResponse>(Opcode.Upsert, upsert));

        Assert.Equal(ErrorCode.Forbidden, e.Code);
        Assert.Equal("API key 'reader' has role read; UPSERT needs write", e.Message);
        await reader.SendAsync<StatsRequest, StatsResponse>(Opcode.Stats, new StatsRequest(null));
        var written = await writer.SendAsync<UpsertRequest, UpsertResponse>(Opcode.Upsert, upsert);
        Assert.True(written.Created);
        var admin = await Assert.ThrowsAsync<AgentDbException>(() =>
            writer.SendAsync<CollectionDropRequest, EmptyMessage>(Opcode.CollectionDrop, new CollectionDropRequest("docs")));
        Assert.Equal(ErrorCode.Forbidden, admin.Code);
    }

    [Fact]
    public async Task OperationsWithoutAnEngine_AnswerNotImplemented_NamingTheOperation()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        var e = await Assert.ThrowsAsync<AgentDbException>(() => client.SendAsync<SearchRequest, SearchResponse>(
            Opcode.Search, new SearchRequest("docs", new float[] { 1 }, 1, 0, ReadOnlyMemory<byte>.Empty, false, false)));

        Assert.Equal(ErrorCode.NotImplemented, e.Code);
        Assert.StartsWith("operation SEARCH is not available in this build", e.Message, StringComparison.Ordinal);
        await client.PingAsync();
    }

    [Fact]
    public async Task HandlerErrors_BecomeErrorReplies_AndTheConnectionStaysOpen()
    {
        await using var server = await TestServer.StartAsync(register: h => h.Register(Opcode.Stats, new DelayingStatsHandler()));
        await using var client = await server.ConnectAsync();

        var notFound = await Assert.ThrowsAsync<AgentDbException>(() =>
            client.SendAsync<StatsRequest, StatsResponse>(Opcode.Stats, new StatsRequest("missing")));
        var crash = await Assert.ThrowsAsync<AgentDbException>(() =>
            client.SendAsync<StatsRequest, StatsResponse>(Opcode.Stats, new StatsRequest("crash")));

        Assert.Equal(ErrorCode.NotFound, notFound.Code);
        Assert.Equal(ErrorCode.Internal, crash.Code);
        Assert.DoesNotContain("handler bug", crash.Message); // details go to the log, not to the client
        Assert.Contains("handler bug", server.Log.ToString());
        await client.PingAsync();
    }

    [Fact]
    public async Task ManyPipelinedPings_CompleteWhileASlowRequestIsStillRunning()
    {
        // The slow request is held by a gate (not a timer), so the outcome does not depend on the machine's load.
        var gated = new GatedStatsHandler();
        await using var server = await TestServer.StartAsync(register: h => h.Register(Opcode.Stats, gated));
        await using var client = await server.ConnectAsync();

        var slow = client.SendAsync<StatsRequest, StatsResponse>(Opcode.Stats, new StatsRequest("slow"));
        var pings = Enumerable.Range(0, 500).Select(_ => client.PingAsync()).ToArray();
        var fast = Enumerable.Range(0, 50)
            .Select(_ => client.SendAsync<StatsRequest, StatsResponse>(Opcode.Stats, new StatsRequest(null))).ToArray();
        await Task.WhenAll(pings).WaitAsync(TimeSpan.FromSeconds(20));
        await Task.WhenAll(fast).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.False(slow.IsCompleted, "the slow request finished before 550 later ones: responses were not out of order");
        gated.Release();
        var stats = await slow.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal("request.id", stats.Values[0].Key);
        // Each response went to its own request: the ids the handler saw are all different.
        Assert.Equal(fast.Length, fast.Select(f => f.Result.Values[0].Value).Distinct().Count());
    }

    [Fact]
    public async Task ResponsesCarryTheirRequestIds_AndMayComeBackOutOfOrder()
    {
        await using var server = await TestServer.StartAsync(register: h => h.Register(Opcode.Stats, new DelayingStatsHandler()));
        await using var raw = await server.ConnectRawAsync();
        await raw.HelloAsync();

        // Slow request 10, then PING 11, in one write.
        await raw.SendAsync([
            .. RawConnection.Frame(Opcode.Stats, 10, new StatsRequest("slow")),
            .. RawConnection.Frame(Opcode.Ping, 11, EmptyMessage.Instance),
        ]);

        var first = await raw.ReadFrameAsync();
        var second = await raw.ReadFrameAsync();
        Assert.Equal((11UL, Opcode.Ping), (first.Header.RequestId, first.Header.Opcode));
        Assert.Equal((10UL, Opcode.Stats), (second.Header.RequestId, second.Header.Opcode));
        Assert.Equal(FrameFlags.Response, second.Header.Flags);
    }

    [Fact]
    public async Task AFrameLargerThanTheTransportsDefaultBuffer_GoesThrough()
    {
        await using var server = await TestServer.StartAsync(register: h => h.Register(Opcode.Upsert, new BodySizeUpsertHandler()));
        await using var client = await server.ConnectAsync();
        // {"blob": bin(3 MiB)}: bigger than Kestrel's default 1 MiB read buffer.
        var blob = new byte[3 * 1024 * 1024];
        var payload = new byte[1 + 5 + 5 + blob.Length];
        payload[0] = 0x81;
        payload[1] = 0xA4;
        "blob"u8.CopyTo(payload.AsSpan(2));
        payload[6] = 0xC6;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(payload.AsSpan(7), blob.Length);

        var response = await client.SendAsync<UpsertRequest, UpsertResponse>(
            Opcode.Upsert, new UpsertRequest("docs", "big", ReadOnlyMemory<float>.Empty, payload));

        Assert.True(response.Version > (ulong)blob.Length);
    }

    [Fact]
    public async Task ResponseLargerThanTheMaximumFrame_IsReplacedByTooLarge()
    {
        await using var server = await TestServer.StartAsync(
            ServerLimits.Default with { MaxFrameBytes = 4096 },
            register: h => h.Register(Opcode.Stats, new DelayingStatsHandler()).Register(Opcode.Get, new HugeGetHandler()));
        await using var client = await server.ConnectAsync();

        var e = await Assert.ThrowsAsync<AgentDbException>(() =>
            client.SendAsync<GetRequest, GetResponse>(Opcode.Get, new GetRequest("docs", "a1", true)));

        Assert.Equal(ErrorCode.TooLarge, e.Code);
        Assert.Contains("exceeds the maximum frame size of 4096", e.Message);
        await client.PingAsync();
    }

    private sealed class HugeGetHandler : AgentDb.Server.Network.Handlers.MessageHandler<GetRequest, GetResponse>
    {
        protected override ValueTask<GetResponse> HandleAsync(
            GetRequest message, AgentDb.Server.Network.Handlers.HandlerRequest request, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new GetResponse(message.Id, new float[2000], ReadOnlyMemory<byte>.Empty, 1));
    }
}
