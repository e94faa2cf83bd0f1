using AgentDb.Client;
using AgentDb.Server.Network;
using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Tests.Network;

public sealed class LimitsTests
{
    [Fact]
    public async Task ConnectionBeyondTheLimit_GetsBusyAndIsClosed_ExistingOnesUnaffected()
    {
        await using var server = await TestServer.StartAsync(ServerLimits.Default with { MaxConnections = 2 });
        await using var first = await server.ConnectAsync();
        await using var second = await server.ConnectAsync();

        await using (var third = await server.ConnectRawAsync())
        {
            var error = await third.ReadErrorAsync(ErrorCode.Busy, 0);
            Assert.Contains("limit of 2 connections", error.Message);
            await third.AssertClosedByServerAsync();
        }

        await first.PingAsync();
        await second.PingAsync();
        Assert.Equal(1, server.Metrics.ErrorCount(ErrorCode.Busy));
    }

    [Fact]
    public async Task AfterAConnectionCloses_ANewOneIsAccepted()
    {
        await using var server = await TestServer.StartAsync(ServerLimits.Default with { MaxConnections = 1 });
        await using (var first = await server.ConnectAsync())
        {
            await first.PingAsync();
        }
        // The slot is freed when the server notices the close; allow it a moment.
        AgentDbClient? second = null;
        for (var attempt = 0; attempt < 50 && second is null; attempt++)
        {
            try
            {
                second = await server.ConnectAsync();
            }
            catch (Exception e) when (e is AgentDbException or AgentDbConnectionException)
            {
                await Task.Delay(100);
            }
        }
        Assert.NotNull(second);
        await using (second)
        {
            await second.PingAsync();
        }
    }

    [Fact]
    public async Task RequestsBeyondTheInFlightLimit_AreAnsweredBusy_PingStillWorks()
    {
        var gate = new GatedHandler();
        await using var server = await TestServer.StartAsync(
            ServerLimits.Default with { MaxInFlightPerConnection = 2, ShutdownTimeout = TimeSpan.FromSeconds(5) },
            register: h => h.Register(Opcode.Delete, gate));
        await using var client = await server.ConnectAsync(options: new AgentDbClientOptions { WaitForInFlightSlot = false });
        var delete = new DeleteRequest("docs", "a1");

        var held = new[]
        {
            client.SendAsync<DeleteRequest, DeleteResponse>(Opcode.Delete, delete),
            client.SendAsync<DeleteRequest, DeleteResponse>(Opcode.Delete, delete),
        };
        for (var i = 0; i < 200 && gate.Started < 2; i++)
        {
            await Task.Delay(10);
        }
        var e = await Assert.ThrowsAsync<AgentDbException>(() => client.SendAsync<DeleteRequest, DeleteResponse>(Opcode.Delete, delete));

        Assert.Equal(ErrorCode.Busy, e.Code);
        Assert.Equal(2, gate.Started);
        await client.PingAsync(); // answered by the session itself, not counted against the limit
        gate.Release();
        foreach (var response in await Task.WhenAll(held).WaitAsync(TimeSpan.FromSeconds(20)))
        {
            Assert.True(response.Deleted);
        }
    }

    [Fact]
    public async Task ClientThatWaitsForSlots_NeverSeesBusy()
    {
        await using var server = await TestServer.StartAsync(
            ServerLimits.Default with { MaxInFlightPerConnection = 4 },
            register: h => h.Register(Opcode.Stats, new DelayingStatsHandler()));
        await using var client = await server.ConnectAsync();

        var requests = Enumerable.Range(0, 40)
            .Select(_ => client.SendAsync<StatsRequest, StatsResponse>(Opcode.Stats, new StatsRequest(null))).ToArray();

        await Task.WhenAll(requests).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(0, server.Metrics.ErrorCount(ErrorCode.Busy));
    }

    [Fact]
    public async Task TheSlotIsFree_BeforeTheAnswerCanReachTheClient()
    {
        // One slot, answers completed off the read loop, and the finishing thread held up right after it queued an
        // answer (a descheduled thread, made certain): the client, which has its answer, sends the next request at once.
        // It must be served, not answered BUSY because the server had not yet counted the first one as done.
        // The held thread is a pool thread: enough others must exist for the session's writer to send the answer meanwhile.
        ThreadPool.GetMinThreads(out var workers, out var completions);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), completions);
        await using var server = await TestServer.StartAsync(
            ServerLimits.Default with { MaxInFlightPerConnection = 1 },
            register: h => h.Register(Opcode.Stats, new DelayingStatsHandler()),
            afterAnswerQueued: () => Thread.Sleep(100));
        await using var client = await server.ConnectAsync(options: new AgentDbClientOptions { WaitForInFlightSlot = false });

        for (var i = 0; i < 5; i++)
        {
            await client.SendAsync<StatsRequest, StatsResponse>(Opcode.Stats, new StatsRequest("yield")).WaitAsync(TimeSpan.FromSeconds(20));
        }

        Assert.Equal(0, server.Metrics.ErrorCount(ErrorCode.Busy));
    }

    [Fact]
    public async Task IdleConnection_IsClosedAfterTheIdleTimeout()
    {
        await using var server = await TestServer.StartAsync(ServerLimits.Default with { IdleTimeout = TimeSpan.FromMilliseconds(300) });
        await using var raw = await server.ConnectRawAsync();
        await raw.HelloAsync();

        await raw.AssertClosedByServerAsync();
    }

    [Fact]
    public async Task Stop_AnswersRequestsInFlight_ThenRefusesNewConnections()
    {
        await using var server = await TestServer.StartAsync(register: h => h.Register(Opcode.Stats, new DelayingStatsHandler()));
        var client = await server.ConnectAsync();
        var slow = client.SendAsync<StatsRequest, StatsResponse>(Opcode.Stats, new StatsRequest("slow"));
        await Task.Delay(100); // let the request reach the server

        await server.Host.StopAsync();

        // Answered, not failed with a closed connection: the stop waited for it.
        var stats = await slow.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("request.id", stats.Values[0].Key);
        Assert.False(server.Host.IsReady);
        await Assert.ThrowsAnyAsync<Exception>(() => server.ConnectAsync());
        await client.DisposeAsync();
    }
}
