using System.Text.RegularExpressions;
using AgentDb.Client;
using AgentDb.Server.Hosting;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Tests;

/// <summary>End-to-end: the built <c>agentdb</c> executable, its exit codes, its lock and its signal handling.</summary>
public sealed partial class AgentDbProcessTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Serve_HoldsTheDataDirectoryUntilSigterm()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return; // SIGTERM via kill(2) is POSIX only.
        }

        using var root = new TempDirectory();
        var dataDirectory = Path.Combine(root.Path, "data");
        using var first = AgentDbProcess.Start("serve", "--data", dataDirectory, "--port", "0", "--http-port", "0");

        var ready = await first.WaitForLineAsync("agentdb ready:", s_timeout);
        Assert.Matches(
            $"^agentdb ready: data={Regex.Escape(dataDirectory)} protocol=127\\.0\\.0\\.1:[0-9]+ http=127\\.0\\.0\\.1:[0-9]+$",
            ready);
        Assert.True(File.Exists(Path.Combine(dataDirectory, "LOCK")));

        using var second = AgentDbProcess.Start("serve", "--data", dataDirectory, "--port", "0", "--http-port", "0");
        Assert.Equal(1, await second.WaitForExitAsync(s_timeout));
        Assert.Contains($"data directory {dataDirectory} is in use by another process", second.Stderr);
        Assert.DoesNotContain("agentdb ready", second.Stdout);

        first.Signal(AgentDbProcess.Sigterm);

        Assert.Equal(0, await first.WaitForExitAsync(s_timeout));
        Assert.EndsWith("agentdb stopped\n", first.Stdout, StringComparison.Ordinal);
        Assert.StartsWith("agentdb: warning: no API keys configured", first.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, first.Stderr.Count(c => c == '\n'));
        Assert.True(DataDirectoryLock.TryAcquire(dataDirectory, out var released), "the lock outlived the server");
        released.Dispose();
    }

    [Fact]
    public async Task BadPort_ExitsTwoWithAnErrorAndNoStackTrace()
    {
        using var child = AgentDbProcess.Start("serve", "--port", "99999");

        Assert.Equal(2, await child.WaitForExitAsync(s_timeout));
        Assert.Equal(
            "agentdb: error: invalid port '99999' from --port: must be between 0 and 65535\n" +
            "Run 'agentdb --help' for usage.\n",
            child.Stderr);
        Assert.Equal("", child.Stdout);
    }

    [Fact]
    public async Task MissingTlsCertificate_ExitsTwoWithAClearError()
    {
        using var root = new TempDirectory();
        var missing = Path.Combine(root.Path, "server.pem");
        using var child = AgentDbProcess.Start(
            "serve", "--data", Path.Combine(root.Path, "data"), "--port", "0", "--http-port", "0", "--tls-cert", missing);

        Assert.Equal(2, await child.WaitForExitAsync(s_timeout));
        Assert.Equal($"agentdb: error: TLS certificate file {missing} does not exist\n", child.Stderr);
        Assert.Equal("", child.Stdout);
    }

    [Fact]
    public async Task UnknownCommand_ExitsTwoWithUsage()
    {
        using var child = AgentDbProcess.Start("frobnicate");

        Assert.Equal(2, await child.WaitForExitAsync(s_timeout));
        Assert.StartsWith("agentdb: error: unknown command 'frobnicate'\n", child.Stderr, StringComparison.Ordinal);
        Assert.Contains("Usage:", child.Stderr);
    }

    [Fact]
    public async Task Serve_AnswersTheClientOverTcp_ServesHttp_AndExitsZeroOnSigterm()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }

        using var root = new TempDirectory();
        const string key = "process-test-key-0123";
        using var server = AgentDbProcess.StartWithEnvironment(
            new Dictionary<string, string?> { ["AGENTDB_API_KEYS"] = $"tester:read:{key}" },
            "serve", "--data", Path.Combine(root.Path, "data"), "--port", "0", "--http-port", "0");
        var ready = await server.WaitForLineAsync("agentdb ready:", s_timeout);
        var match = ReadyAddresses().Match(ready);
        Assert.True(match.Success, ready);
        var port = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var httpPort = int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);

        await using (var client = await AgentDbClient.ConnectAsync("127.0.0.1", port, key))
        {
            await client.PingAsync();
            Assert.Equal(AccessRole.Read, client.Session.Role);
            Assert.StartsWith("agentdb/0.1.0", client.Session.ServerName, StringComparison.Ordinal);
            var e = await Assert.ThrowsAsync<AgentDbException>(() => client.SendAsync<AgentDb.Wire.Messages.GetRequest, GetResponse>(
                AgentDb.Wire.Frames.Opcode.Get, new GetRequest("docs", "a1", false)));
            Assert.Equal(ErrorCode.NotFound, e.Code); // the engine answers: there is no collection "docs"
        }
        using (var http = new HttpClient { Timeout = s_timeout })
        {
            Assert.Equal("ok\n", await http.GetStringAsync($"http://127.0.0.1:{httpPort}/health"));
            Assert.Contains("agentdb_requests_total{opcode=\"PING\"} 1\n", await http.GetStringAsync($"http://127.0.0.1:{httpPort}/metrics"));
        }

        server.Signal(AgentDbProcess.Sigterm);

        Assert.Equal(0, await server.WaitForExitAsync(s_timeout));
        Assert.EndsWith("agentdb stopped\n", server.Stdout, StringComparison.Ordinal);
        Assert.Equal("", server.Stderr);
    }

    [GeneratedRegex(@"protocol=127\.0\.0\.1:([0-9]+) http=127\.0\.0\.1:([0-9]+)")]
    internal static partial Regex ReadyAddresses();
}
