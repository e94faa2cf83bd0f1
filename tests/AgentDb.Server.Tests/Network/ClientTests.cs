using AgentDb.Client;
using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Tests.Network;

/// <summary>The client's own behaviour against a real server: timeouts, cancellation, a lost connection.</summary>
public sealed class ClientTests
{
    [Fact]
    public async Task RequestWithoutAnAnswerInTime_ThrowsTimeout_AndTheConnectionStaysUsable()
    {
        var gate = new GatedHandler();
        await using var server = await TestServer.StartAsync(register: h => h.Register(Opcode.Delete, gate));
        await using var client = await server.ConnectAsync(options: new AgentDbClientOptions { RequestTimeout = TimeSpan.FromMilliseconds(200) });

        var e = await Assert.ThrowsAsync<TimeoutException>(() =>
            client.SendAsync<DeleteRequest, DeleteResponse>(Opcode.Delete, new DeleteRequest("docs", "a1")));

        Assert.Contains("DELETE request", e.Message);
        gate.Release(); // the late response is ignored
        await client.PingAsync();
    }

    [Fact]
    public async Task CancelledRequest_ThrowsOperationCanceled()
    {
        var gate = new GatedHandler();
        await using var server = await TestServer.StartAsync(register: h => h.Register(Opcode.Delete, gate));
        await using var client = await server.ConnectAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            client.SendAsync<DeleteRequest, DeleteResponse>(Opcode.Delete, new DeleteRequest("docs", "a1"), cancel.Token));

        gate.Release();
        await client.PingAsync();
    }

    [Fact]
    public async Task ConnectionLost_FailsRequestsInFlightAndLaterOnes_WithConnectionException()
    {
        var gate = new GatedHandler();
        var server = await TestServer.StartAsync(
            AgentDb.Server.Network.ServerLimits.Default with { ShutdownTimeout = TimeSpan.FromMilliseconds(200) },
            register: h => h.Register(Opcode.Delete, gate));
        await using var client = await server.ConnectAsync();
        var held = client.SendAsync<DeleteRequest, DeleteResponse>(Opcode.Delete, new DeleteRequest("docs", "a1"));
        for (var i = 0; i < 200 && gate.Started == 0; i++)
        {
            await Task.Delay(10);
        }

        await server.DisposeAsync(); // the request never finishes: the stop gives up and closes the connection

        await Assert.ThrowsAsync<AgentDbConnectionException>(() => held.WaitAsync(TimeSpan.FromSeconds(10)));
        await Assert.ThrowsAsync<AgentDbConnectionException>(() => client.PingAsync());
        gate.Release();
    }

    [Fact]
    public async Task ConnectToAClosedPort_ThrowsConnectionException()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        await Assert.ThrowsAsync<AgentDbConnectionException>(() => AgentDbClient.ConnectAsync("127.0.0.1", port, null));
    }
}
