using AgentDb.Client;
using AgentDb.Server.Network.Handlers;
using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Tests.Network;

/// <summary><see cref="AgentDbClientPool"/>: spreading over connections, the retry policy, following NOT_PRIMARY.</summary>
public sealed class ClientPoolTests
{
    private static readonly float[] s_vector = [1, 2, 3];

    private static AgentDbClientPoolOptions Options(int connections = 1, int maxAttempts = 4, int maxRedirects = 3) => new()
    {
        Connections = connections,
        MaxAttempts = maxAttempts,
        MaxRedirects = maxRedirects,
        RetryDelay = TimeSpan.FromMilliseconds(1),
        MaxRetryDelay = TimeSpan.FromMilliseconds(10),
        Client = new AgentDbClientOptions { RequestTimeout = TimeSpan.FromSeconds(20) },
    };

    [Fact]
    public async Task Requests_SpreadOverTheConnections_ByFewestInFlight()
    {
        var gate = new GatedHandler();
        await using var server = await TestServer.StartAsync(register: h => h.Register(Opcode.Delete, gate));
        await using var pool = new AgentDbClientPool("127.0.0.1", server.Port, null, Options(connections: 3));
        await pool.ConnectAsync();

        var held = new Task<bool>[9];
        for (var i = 0; i < held.Length; i++)
        {
            held[i] = pool.DeleteAsync("docs", $"r{i}");
        }
        for (var i = 0; i < 500 && gate.Started < held.Length; i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(held.Length, gate.Started);
        Assert.Equal(3, server.Metrics.ConnectionsActive);
        Assert.Equal([3, 3, 3], pool.InFlightByConnection());
        gate.Release();
        Assert.All(await Task.WhenAll(held), Assert.True);
        Assert.Equal([0, 0, 0], pool.InFlightByConnection());
    }

    [Fact]
    public async Task Busy_IsRetried_ForReadsAndWrites()
    {
        var get = new ScriptedHandler<GetRequest, GetResponse>(new GetResponse("a1", default, default, 3), ErrorCode.Busy);
        var upsert = new ScriptedHandler<UpsertRequest, UpsertResponse>(new UpsertResponse(4, true), ErrorCode.Busy, ErrorCode.Busy);
        await using var server = await TestServer.StartAsync(register: h => h.Register(Opcode.Get, get).Register(Opcode.Upsert, upsert));
        await using var pool = new AgentDbClientPool("127.0.0.1", server.Port, null, Options());

        Assert.Equal(3UL, (await pool.GetAsync("docs", "a1")).Version);
        Assert.Equal(4UL, (await pool.UpsertAsync("docs", "a1", s_vector)).Version);

        Assert.Equal(2, get.Calls);
        Assert.Equal(3, upsert.Calls); // BUSY means not executed: a write is retried too
    }

    [Fact]
    public async Task Busy_UntilAttemptsRunOut_ThrowsBusy()
    {
        var get = new ScriptedHandler<GetRequest, GetResponse>(new GetResponse("a1", default, default, 3),
            ErrorCode.Busy, ErrorCode.Busy, ErrorCode.Busy, ErrorCode.Busy, ErrorCode.Busy);
        await using var server = await TestServer.StartAsync(register: h => h.Register(Opcode.Get, get));
        await using var pool = new AgentDbClientPool("127.0.0.1", server.Port, null, Options(maxAttempts: 3));

        var e = await Assert.ThrowsAsync<AgentDbException>(() => pool.GetAsync("docs", "a1"));

        Assert.Equal(ErrorCode.Busy, e.Code);
        Assert.Equal(3, get.Calls);
    }

    [Theory]
    [InlineData(ErrorCode.NotFound)]
    [InlineData(ErrorCode.BadRequest)]
    [InlineData(ErrorCode.Internal)]
    public async Task OtherErrors_AreNotRetried(ErrorCode code)
    {
        var get = new ScriptedHandler<GetRequest, GetResponse>(new GetResponse("a1", default, default, 3), code);
        await using var server = await TestServer.StartAsync(register: h => h.Register(Opcode.Get, get));
        await using var pool = new AgentDbClientPool("127.0.0.1", server.Port, null, Options());

        var e = await Assert.ThrowsAsync<AgentDbException>(() => pool.GetAsync("docs", "a1"));

        Assert.Equal(code, e.Code);
        Assert.Equal(1, get.Calls);
    }

    [Fact]
    public async Task NotPrimary_IsFollowedToTheAddressItCarries_AndLaterRequestsGoThereDirectly()
    {
        var onPrimary = new ScriptedHandler<UpsertRequest, UpsertResponse>(new UpsertResponse(9, true));
        await using var primary = await TestServer.StartAsync(register: h => h.Register(Opcode.Upsert, onPrimary));
        var primaryAddress = $"127.0.0.1:{primary.Port}";
        var onReplica = new NotPrimaryHandler(primaryAddress);
        await using var replica = await TestServer.StartAsync(register: h => h.Register(Opcode.Upsert, onReplica));
        await using var pool = new AgentDbClientPool("127.0.0.1", replica.Port, null, Options(connections: 2));

        Assert.Equal(9UL, (await pool.UpsertAsync("docs", "a1", s_vector)).Version);
        Assert.Equal(9UL, (await pool.UpsertAsync("docs", "a2", s_vector)).Version);

        Assert.Equal(primaryAddress, pool.Endpoint);
        Assert.Equal(1, onReplica.Calls);
        Assert.Equal(2, onPrimary.Calls);
    }

    [Fact]
    public async Task NotPrimary_PointingBackAtItself_StopsAfterMaxRedirects()
    {
        var port = 0;
        var selfPointing = new NotPrimaryHandler(() => $"127.0.0.1:{port}");
        await using var server = await TestServer.StartAsync(register: h => h.Register(Opcode.Upsert, selfPointing));
        port = server.Port;
        await using var pool = new AgentDbClientPool("127.0.0.1", server.Port, null, Options(maxRedirects: 2));

        var e = await Assert.ThrowsAsync<AgentDbException>(() => pool.UpsertAsync("docs", "a1", s_vector));

        Assert.Equal(ErrorCode.NotPrimary, e.Code);
        Assert.Equal(3, selfPointing.Calls);
    }

    [Fact]
    public async Task NotPrimary_WithoutAnAddress_IsNotFollowed()
    {
        var replica = new NotPrimaryHandler(() => null);
        await using var server = await TestServer.StartAsync(register: h => h.Register(Opcode.Upsert, replica));
        await using var pool = new AgentDbClientPool("127.0.0.1", server.Port, null, Options());

        var e = await Assert.ThrowsAsync<AgentDbException>(() => pool.UpsertAsync("docs", "a1", s_vector));

        Assert.Equal(ErrorCode.NotPrimary, e.Code);
        Assert.Equal(1, replica.Calls);
    }

    [Fact]
    public async Task ConnectionLostWithAGetInFlight_RetriesItOnANewConnection()
    {
        await using var server = new ScriptedServer((connection, _) => connection > 0); // the first connection drops its request
        await using var pool = new AgentDbClientPool("127.0.0.1", server.Port, null, Options());

        var record = await pool.GetAsync("docs", "a1");

        Assert.Equal(7UL, record.Version);
        Assert.Equal((2, 2), (server.Connections, server.Requests));
    }

    [Fact]
    public async Task ConnectionLostWithAnUpsertInFlight_IsNotRetried_TheOutcomeIsUnknown()
    {
        await using var server = new ScriptedServer((connection, _) => connection > 0);
        await using var pool = new AgentDbClientPool("127.0.0.1", server.Port, null, Options());

        var e = await Assert.ThrowsAsync<AgentDbConnectionException>(() => pool.UpsertAsync("docs", "a1", s_vector));

        Assert.False(e.RequestNotSent);
        Assert.Equal((1, 1), (server.Connections, server.Requests));
    }

    [Fact]
    public async Task ConnectionKnownToBeClosed_AWriteFailsAsNotSent_AndThePoolReconnectsForIt()
    {
        await using var server = new ScriptedServer((_, _) => true, closeAfterHello: 0);

        await using (var client = await AgentDbClient.ConnectAsync("127.0.0.1", server.Port, null))
        {
            for (var i = 0; i < 500 && client.IsConnected; i++)
            {
                await Task.Delay(10);
            }
            Assert.False(client.IsConnected);
            var e = await Assert.ThrowsAsync<AgentDbConnectionException>(() => client.UpsertAsync("docs", "a1", s_vector));
            Assert.True(e.RequestNotSent);
        }
        Assert.Equal(0, server.Requests);

        await using var pool = new AgentDbClientPool("127.0.0.1", server.Port, null, Options());
        Assert.Equal(7UL, (await pool.UpsertAsync("docs", "a1", s_vector)).Version); // connection 1 is healthy
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task UnreachableServer_RetriesConnecting_ThenThrowsNotSent()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }
        await using var pool = new AgentDbClientPool("127.0.0.1", port, null, Options(maxAttempts: 2));

        var e = await Assert.ThrowsAsync<AgentDbConnectionException>(() => pool.UpsertAsync("docs", "a1", s_vector));

        Assert.True(e.RequestNotSent);
    }

    [Theory]
    [InlineData(Opcode.Get, true)]
    [InlineData(Opcode.Search, true)]
    [InlineData(Opcode.Stats, true)]
    [InlineData(Opcode.Ping, true)]
    [InlineData(Opcode.CollectionList, true)]
    [InlineData(Opcode.Upsert, false)]
    [InlineData(Opcode.Delete, false)]
    [InlineData(Opcode.Batch, false)]
    [InlineData(Opcode.CollectionCreate, false)]
    [InlineData(Opcode.Checkpoint, false)]
    public void RetryPolicy_RetriesAMaybeSentRequestOnlyWhenIdempotent(Opcode opcode, bool idempotent)
    {
        var maybeSent = new AgentDbConnectionException("reset");
        var notSent = new AgentDbConnectionException("reset", requestNotSent: true);

        Assert.Equal(idempotent, AgentDbRetryPolicy.IsIdempotent(opcode));
        Assert.Equal(idempotent ? RetryDecision.Retry : RetryDecision.None, AgentDbRetryPolicy.Decide(opcode, maybeSent));
        Assert.Equal(RetryDecision.Retry, AgentDbRetryPolicy.Decide(opcode, notSent));
        Assert.Equal(RetryDecision.Retry, AgentDbRetryPolicy.Decide(opcode, new AgentDbException(ErrorCode.Busy, "busy")));
        Assert.Equal(RetryDecision.Redirect, AgentDbRetryPolicy.Decide(opcode, new AgentDbException(ErrorCode.NotPrimary, "replica", "db-1:4433")));
        Assert.Equal(RetryDecision.None, AgentDbRetryPolicy.Decide(opcode, new AgentDbException(ErrorCode.NotPrimary, "replica")));
        Assert.Equal(RetryDecision.None, AgentDbRetryPolicy.Decide(opcode, new TimeoutException()));
        Assert.Equal(RetryDecision.None, AgentDbRetryPolicy.Decide(opcode, new AgentDbException(ErrorCode.Internal, "x")));
    }

    [Theory]
    [InlineData("db-1:4433", "db-1", 4433)]
    [InlineData("127.0.0.1:1", "127.0.0.1", 1)]
    [InlineData("[::1]:4433", "::1", 4433)]
    [InlineData("db-1", null, 0)]
    [InlineData("db-1:", null, 0)]
    [InlineData(":4433", null, 0)]
    [InlineData("db-1:70000", null, 0)]
    [InlineData("db-1:-5", null, 0)]
    [InlineData("::1:4433", null, 0)]
    public void PrimaryAddress_IsParsedAsHostColonPort(string address, string? host, int port)
    {
        var parsed = AgentDbClientPool.TryParseAddress(address, out var parsedHost, out var parsedPort);

        Assert.Equal(host is not null, parsed);
        if (parsed)
        {
            Assert.Equal((host, port), (parsedHost, parsedPort));
        }
    }

    /// <summary>Answers with the listed error codes first (one per call), then with the response.</summary>
    private sealed class ScriptedHandler<TRequest, TResponse>(TResponse response, params ErrorCode[] errorsFirst)
        : MessageHandler<TRequest, TResponse>
        where TRequest : IWireMessage<TRequest>
        where TResponse : IWireMessage<TResponse>
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        protected override ValueTask<TResponse> HandleAsync(TRequest message, HandlerRequest request, CancellationToken cancellationToken)
        {
            var call = Interlocked.Increment(ref _calls);
            return call <= errorsFirst.Length
                ? throw new RequestException(errorsFirst[call - 1], $"scripted {errorsFirst[call - 1]}")
                : ValueTask.FromResult(response);
        }
    }

    /// <summary>A replica: answers every write NOT_PRIMARY with the address it is given (or none).</summary>
    private sealed class NotPrimaryHandler(Func<string?> primary) : MessageHandler<UpsertRequest, UpsertResponse>
    {
        private int _calls;

        public NotPrimaryHandler(string primary)
            : this(() => primary)
        {
        }

        public int Calls => Volatile.Read(ref _calls);

        protected override ValueTask<UpsertResponse> HandleAsync(UpsertRequest message, HandlerRequest request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            throw new RequestException(ErrorCode.NotPrimary, "this server is a replica", primary());
        }
    }
}
