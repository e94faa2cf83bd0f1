using AgentDb.Client;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Tests.Engine;

/// <summary>The built <c>agentdb serve</c> with the real engine: what a client wrote survives SIGTERM and a restart.</summary>
public sealed class ServeWithEngineProcessTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private static readonly byte[] s_payload = [0x81, 0xA3, (byte)'t', (byte)'a', (byte)'g', 0xA1, (byte)'a']; // {"tag": "a"}

    [Fact]
    public async Task Serve_UpsertThenSigterm_RecordSurvivesRestart()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return; // SIGTERM via kill(2) is POSIX only.
        }
        using var root = new TempDirectory();
        var dataDirectory = Path.Combine(root.Path, "data");

        using (var first = AgentDbProcess.Start("serve", "--port", "0", "--http-port", "0", "--data", dataDirectory))
        {
            await using (var client = await ConnectAsync(await first.WaitForLineAsync("agentdb ready:", s_timeout)))
            {
                await client.CreateCollectionAsync("docs", 3, VectorMetric.Cosine);
                await client.UpsertAsync("docs", "r1", new float[] { 1, 2, 3 }, s_payload);
            }
            first.Signal(AgentDbProcess.Sigterm);
            Assert.Equal(0, await first.WaitForExitAsync(s_timeout));
            Assert.EndsWith("agentdb stopped\n", first.Stdout, StringComparison.Ordinal);
        }
        Assert.True(Directory.Exists(Path.Combine(dataDirectory, "db")));

        using var second = AgentDbProcess.Start("serve", "--port", "0", "--http-port", "0", "--data", dataDirectory);
        await using (var client = await ConnectAsync(await second.WaitForLineAsync("agentdb ready:", s_timeout)))
        {
            var record = await client.GetAsync("docs", "r1", includeVector: true);
            Assert.Equal([1f, 2f, 3f], record.Vector.ToArray());
            Assert.Equal(s_payload, record.Payload.ToArray());
            var hits = await client.SearchAsync("docs", new float[] { 1, 2, 3 }, k: 1);
            Assert.Equal("r1", Assert.Single(hits).Id);
        }
        second.Signal(AgentDbProcess.Sigterm);
        Assert.Equal(0, await second.WaitForExitAsync(s_timeout));
    }

    private static Task<AgentDbClient> ConnectAsync(string readyLine)
    {
        var match = AgentDbProcessTests.ReadyAddresses().Match(readyLine);
        Assert.True(match.Success, readyLine);
        var port = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        return AgentDbClient.ConnectAsync("127.0.0.1", port, null, new AgentDbClientOptions { RequestTimeout = s_timeout });
    }
}
