using System.Text.Json;
using AgentDb.Engine.Tests.Support;
using AgentDb.Server;
using AgentDb.Server.Cli;
using AgentDb.Server.Tests.Memory;

namespace AgentDb.Simulation.Tests.Cli;

/// <summary><c>agentdb simulate</c> through the real entry point (<c>Program.RunAsync</c>), in process.</summary>
public sealed class SimulateCommandLineTests
{
    [Fact]
    public void Parse_ReadsEveryOption()
    {
        Assert.True(CommandLineParser.TryParse(
            ["simulate", "multi-agent-swarm", "--swarm-size", "12", "--iterations=7", "--parallel", "4", "--optimize", "--seed", "-3",
             "--server", "127.0.0.1:4433", "--api-key", "k", "--report", "out.json"],
            _ => null, out var command, out var error), error?.Message);
        Assert.Equal(CommandKind.Simulate, command.Kind);
        var settings = command.Simulation!;
        Assert.Equal("multi-agent-swarm", settings.Scenario);
        Assert.Equal(12, settings.Options.SwarmSize);
        Assert.Equal(7, settings.Options.Iterations);
        Assert.Equal(4, settings.Options.Parallel);
        Assert.True(settings.Options.Optimize);
        Assert.Equal(-3, settings.Options.Seed);
        Assert.Equal("127.0.0.1", settings.ServerHost);
        Assert.Equal(4433, settings.ServerPort);
        Assert.Equal("k", settings.ApiKey);
        Assert.Equal("out.json", settings.ReportPath);
        Assert.Null(settings.DataDirectory);
    }

    [Fact]
    public void Parse_Defaults()
    {
        Assert.True(CommandLineParser.TryParse(["simulate", "lean-agentic-swarm"], _ => null, out var command, out _));
        var settings = command.Simulation!;
        Assert.Null(settings.Options.SwarmSize);
        Assert.Equal(10, settings.Options.Iterations);
        Assert.Equal(1, settings.Options.Parallel);
        Assert.False(settings.Options.Optimize);
        Assert.Null(settings.ServerHost);
        Assert.Null(settings.ReportPath);
    }

    [Theory]
    [InlineData("unknown scenario 'nope'", "simulate", "nope")]
    [InlineData("simulate needs a scenario", "simulate")]
    [InlineData("invalid --swarm-size '0'", "simulate", "lean-agentic-swarm", "--swarm-size", "0")]
    [InlineData("invalid --iterations 'x'", "simulate", "lean-agentic-swarm", "--iterations", "x")]
    [InlineData("invalid --parallel '5000'", "simulate", "lean-agentic-swarm", "--parallel", "5000")]
    [InlineData("option --seed needs a value", "simulate", "lean-agentic-swarm", "--seed")]
    [InlineData("unknown option '--swarm'", "simulate", "lean-agentic-swarm", "--swarm", "3")]
    [InlineData("exclude each other", "simulate", "lean-agentic-swarm", "--embedded", "--server", "h:1")]
    [InlineData("invalid --server 'localhost'", "simulate", "lean-agentic-swarm", "--server", "localhost")]
    [InlineData("invalid --server 'h:0'", "simulate", "lean-agentic-swarm", "--server", "h:0")]
    [InlineData("--api-key needs --server", "simulate", "lean-agentic-swarm", "--api-key", "k")]
    [InlineData("with --server the server's data", "simulate", "lean-agentic-swarm", "--server", "h:1", "--data", "d")]
    [InlineData("option --optimize takes no value", "simulate", "lean-agentic-swarm", "--optimize=yes")]
    [InlineData("given more than once", "simulate", "lean-agentic-swarm", "--seed", "1", "--seed", "2")]
    [InlineData("unexpected argument 'extra'", "simulate", "lean-agentic-swarm", "extra")]
    public async Task BadArguments_ExitCode2_WithAClearMessage(string expected, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await Program.RunAsync(args, _ => null, stdout, stderr);
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal("", stdout.ToString());
    }

    [Fact]
    public async Task Embedded_RunsPrintsTheTableAndWritesTheJsonReport()
    {
        using var dir = new TempDirectory();
        string report = dir.Combine("report.json");
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int code = await Program.RunAsync(
            ["simulate", "lean-agentic-swarm", "--iterations", "3", "--swarm-size", "4", "--data", dir.Combine("memory"), "--report", report, "--seed", "9"],
            _ => null, stdout, stderr);

        Assert.True(code == 0, stderr.ToString());
        string table = stdout.ToString();
        Assert.Contains("simulation lean-agentic-swarm on embedded: 4 agents, 3 iterations", table, StringComparison.Ordinal);
        Assert.Contains("throughput", table, StringComparison.Ordinal);
        Assert.Contains("latency p50 / p99", table, StringComparison.Ordinal);
        Assert.Matches(@"success rate +100\.00 % \(", table);
        Assert.Contains("episodes_stored", table, StringComparison.Ordinal);
        // Not a terminal: no progress line.
        Assert.DoesNotContain("\r", stderr.ToString(), StringComparison.Ordinal);

        using var json = JsonDocument.Parse(File.ReadAllText(report));
        var root = json.RootElement;
        Assert.Equal("lean-agentic-swarm", root.GetProperty("scenario").GetString());
        Assert.True(root.GetProperty("completed").GetBoolean());
        Assert.Equal(1.0, root.GetProperty("success_rate").GetDouble());
        Assert.Equal(4, root.GetProperty("swarm_size").GetInt32());
        Assert.Equal(9, root.GetProperty("seed").GetInt32());
        // 4 agents (2 memory, 1 skill, 1 coordinator) x 2 operations x 3 iterations, plus the skill's setup.
        Assert.Equal(4 * 2 * 3 + 1, root.GetProperty("operations").GetInt64());
        Assert.True(root.GetProperty("ops_per_second").GetDouble() > 0);
        Assert.True(root.GetProperty("latency_p99_ms").GetDouble() >= root.GetProperty("latency_p50_ms").GetDouble());
        Assert.True(root.GetProperty("database_bytes").GetInt64() > 0);
        Assert.True(root.GetProperty("memory").GetProperty("working_set_bytes").GetInt64() > 0);
        Assert.Equal(6, root.GetProperty("metrics").GetProperty("episodes_stored").GetDouble());
        Assert.Equal(3, root.GetProperty("series").GetProperty("episodes_total").GetArrayLength());
        // The memory stays in --data.
        Assert.True(Directory.Exists(dir.Combine("memory")));
    }

    [Fact]
    public async Task Server_RunsAgainstServe()
    {
        await using var server = await MemoryServer.StartAsync("hashing-16");
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int code = await Program.RunAsync(
            ["simulate", "reflexion-learning", "--iterations", "3", "--parallel", "2", "--server", $"127.0.0.1:{server.Port}", "--api-key", MemoryServer.WriteKey],
            _ => null, stdout, stderr);

        Assert.True(code == 0, stderr.ToString());
        Assert.Contains($"on server 127.0.0.1:{server.Port}", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("improvement", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_Unreachable_ExitCode1()
    {
        // A port nothing listens on: bind one, note it, close it.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var stderr = new StringWriter();

        int code = await Program.RunAsync(["simulate", "lean-agentic-swarm", "--server", $"127.0.0.1:{port}"], _ => null, new StringWriter(), stderr);

        Assert.Equal(1, code);
        Assert.Contains("cannot open the memory", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsSimulateAndItsScenarios()
    {
        var stdout = new StringWriter();
        Assert.Equal(0, await Program.RunAsync(["--help"], _ => null, stdout, new StringWriter()));
        Assert.Contains("agentdb simulate <scenario>", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("lean-agentic-swarm, reflexion-learning, multi-agent-swarm, voting-consensus, stock-market", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_VotingConsensus_DefaultsToTheAnalysisFiveRounds_AndAnIterationsOptionWins()
    {
        Assert.True(CommandLineParser.TryParse(["simulate", "voting-consensus"], _ => null, out var command, out _));
        Assert.Equal(5, command.Simulation!.Options.Iterations);
        Assert.True(CommandLineParser.TryParse(["simulate", "voting-consensus", "--iterations", "2"], _ => null, out command, out _));
        Assert.Equal(2, command.Simulation!.Options.Iterations);
    }

    [Theory]
    [InlineData("voting-consensus", "12", "5")]
    [InlineData("stock-market", "10", "1")]
    public async Task Embedded_RunsTheRegisteredScenario_ToA100PercentSuccess(string scenario, string swarm, string expectedIterations)
    {
        using var dir = new TempDirectory();
        string report = dir.Combine("report.json");
        var stderr = new StringWriter();
        string[] args = scenario == "stock-market"
            ? ["simulate", scenario, "--swarm-size", swarm, "--iterations", "1", "--report", report]
            : ["simulate", scenario, "--swarm-size", swarm, "--report", report];

        int code = await Program.RunAsync(args, _ => null, new StringWriter(), stderr);

        Assert.True(code == 0, stderr.ToString());
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        var root = json.RootElement;
        Assert.Equal(scenario, root.GetProperty("scenario").GetString());
        Assert.Equal(int.Parse(expectedIterations, System.Globalization.CultureInfo.InvariantCulture), root.GetProperty("iterations").GetInt32());
        Assert.True(root.GetProperty("completed").GetBoolean());
        Assert.Equal(1.0, root.GetProperty("success_rate").GetDouble());
        Assert.True(root.GetProperty("operations").GetInt64() > 0);
    }
}
