using System.Net;
using AgentDb.Client;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Tests.Network;

public sealed class OpsHttpTests
{
    [Fact]
    public async Task Health_Ready_AndUnknownPaths()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.HttpPort}"), Timeout = TimeSpan.FromSeconds(10) };

        Assert.Equal("ok\n", await http.GetStringAsync("/health"));
        Assert.Equal("ready\n", await http.GetStringAsync("/ready"));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/nope")).StatusCode);
    }

    [Fact]
    public async Task Metrics_CountConnectionsFramesBytesRequestsAndErrors()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.HttpPort}"), Timeout = TimeSpan.FromSeconds(10) };
        await using (var client = await server.ConnectAsync())
        {
            await client.PingAsync();
            await client.PingAsync();
            await Assert.ThrowsAsync<AgentDb.Client.AgentDbException>(() =>
                client.SendAsync<CollectionDropRequest, EmptyMessage>(AgentDb.Wire.Frames.Opcode.CollectionDrop, new CollectionDropRequest("x")));

            var response = await http.GetAsync("/metrics");
            var text = await response.Content.ReadAsStringAsync();

            Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
            Assert.Contains("agentdb_connections_active 1\n", text);
            Assert.Contains("agentdb_connections_total 1\n", text);
            Assert.Contains("agentdb_frames_received_total 4\n", text);
            Assert.Contains("agentdb_frames_sent_total 4\n", text);
            Assert.Contains("# TYPE agentdb_bytes_received_total counter\n", text);
            Assert.Contains("agentdb_requests_total{opcode=\"HELLO\"} 1\n", text);
            Assert.Contains("agentdb_requests_total{opcode=\"PING\"} 2\n", text);
            Assert.Contains("agentdb_requests_total{opcode=\"COLLECTION_DROP\"} 1\n", text);
            Assert.Contains("agentdb_errors_total{code=\"NOT_IMPLEMENTED\"} 1\n", text);
            Assert.Contains("agentdb_errors_total{code=\"BAD_REQUEST\"} 0\n", text);
        }
    }
}
