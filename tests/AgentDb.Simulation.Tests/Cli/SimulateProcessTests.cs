using System.Text.Json;
using System.Text.RegularExpressions;
using AgentDb.Engine.Tests.Support;
using AgentDbProcess = AgentDb.Server.Tests.AgentDbProcess;

namespace AgentDb.Simulation.Tests.Cli;

/// <summary>The built <c>agentdb</c> as processes: <c>agentdb serve</c> on 127.0.0.1 with a free port, and
/// <c>agentdb simulate --server</c> against it.</summary>
public sealed partial class SimulateProcessTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task SimulateAgainstServe_TwoProcesses_CompletesAndWritesTheReport()
    {
        using var dir = new TempDirectory();
        string report = dir.Combine("report.json");
        using var server = AgentDbProcess.Start(
            "serve", "--data", dir.Combine("data"), "--host", "127.0.0.1", "--port", "0", "--http-port", "0", "--embedder", "hashing-24");
        string ready = await server.WaitForLineAsync("agentdb ready:", s_timeout);
        string endpoint = Protocol().Match(ready).Groups[1].Value;

        using (var simulate = AgentDbProcess.Start(
            "simulate", "multi-agent-swarm", "--swarm-size", "6", "--iterations", "3", "--parallel", "3", "--seed", "5",
            "--server", endpoint, "--report", report))
        {
            int code = await simulate.WaitForExitAsync(s_timeout);
            Assert.True(code == 0, $"exit {code}; stdout:\n{simulate.Stdout}\nstderr:\n{simulate.Stderr}");
            Assert.Contains($"simulation multi-agent-swarm on server {endpoint}: 6 agents, 3 iterations, parallel 3", simulate.Stdout);
        }

        using var json = JsonDocument.Parse(File.ReadAllText(report));
        var root = json.RootElement;
        Assert.True(root.GetProperty("completed").GetBoolean());
        Assert.Equal(1.0, root.GetProperty("success_rate").GetDouble());
        Assert.Equal(18, root.GetProperty("metrics").GetProperty("skill_uses_recorded").GetDouble());
        Assert.Equal(0, root.GetProperty("metrics").GetProperty("peer_episodes_missing").GetDouble());

        server.Signal(AgentDbProcess.Sigterm);
        Assert.Equal(0, await server.WaitForExitAsync(s_timeout));
    }

    [GeneratedRegex(@"protocol=(127\.0\.0\.1:[0-9]+) ")]
    private static partial Regex Protocol();
}
