using AgentDb.Simulation.Stress;

namespace AgentDb.Simulation.Tests.Stress;

public sealed class StressCommandTests
{
    [Fact]
    public void Parse_NoOptions_GivesTheAnalysisMatrixAgainstASpawnedServer()
    {
        Assert.True(StressCommand.TryParse([], out var options, out var help, out var error), error);
        Assert.False(help);
        Assert.Equal([10, 50, 100, 500, 1_000, 5_000, 10_000], options.Agents);
        Assert.Equal([1, 5, 10, 20, 50], options.Concurrency);
        Assert.Equal(TimeSpan.FromSeconds(5), options.CellDuration);
        Assert.Null(options.MaxOperationsPerCell);
        Assert.False(options.Embedded);
        Assert.Null(options.ServerHost);
    }

    [Fact]
    public void Parse_SubsetsBudgetsAndOutputs()
    {
        Assert.True(StressCommand.TryParse(
            ["--agents", "100,10", "--concurrency=10,1", "--cell-seconds", "2.5", "--max-ops", "1000", "--server", "db.local:4433",
             "--report", "r.json", "--plot", "p.png", "--seed", "7", "--api-key", "k1"],
            out var options, out _, out var error), error);
        Assert.Equal([10, 100], options.Agents);
        Assert.Equal([1, 10], options.Concurrency);
        Assert.Equal(TimeSpan.FromSeconds(2.5), options.CellDuration);
        Assert.Equal(1_000, options.MaxOperationsPerCell);
        Assert.Equal("db.local", options.ServerHost);
        Assert.Equal(4433, options.ServerPort);
        Assert.Equal("r.json", options.ReportPath);
        Assert.Equal("p.png", options.PlotPath);
        Assert.Equal(7, options.Seed);
        Assert.Equal("k1", options.ApiKey);

        Assert.True(StressCommand.TryParse(["--server", "[::1]:9"], out var v6, out _, out _));
        Assert.Equal("::1", v6.ServerHost);
        Assert.True(StressCommand.TryParse(["--embedded"], out var embedded, out _, out _));
        Assert.True(embedded.Embedded);
    }

    [Theory]
    [InlineData("invalid --agents '0'", "--agents", "0")]
    [InlineData("invalid --agents '10,x'", "--agents", "10,x")]
    [InlineData("10 is listed twice", "--agents", "10,10")]
    [InlineData("invalid --concurrency '2000'", "--concurrency", "2000")]
    [InlineData("invalid --cell-seconds '-1'", "--cell-seconds", "-1")]
    [InlineData("invalid --cell-seconds 'abc'", "--cell-seconds", "abc")]
    [InlineData("invalid --max-ops '0'", "--max-ops", "0")]
    [InlineData("invalid --server 'localhost'", "--server", "localhost")]
    [InlineData("invalid --server 'h:70000'", "--server", "h:70000")]
    [InlineData("invalid --dimension '1'", "--dimension", "1")]
    [InlineData("unknown option '--agent'", "--agent", "10")]
    [InlineData("option --plot needs a value", "--plot")]
    [InlineData("unexpected argument 'now'", "now")]
    [InlineData("--server and --embedded exclude each other", "--server", "h:1", "--embedded")]
    [InlineData("option --seed given more than once", "--seed", "1", "--seed", "2")]
    [InlineData("option --embedded takes no value", "--embedded=yes")]
    [InlineData("--api-key needs --server", "--api-key", "secret")]
    [InlineData("invalid --session-share '101'", "--session-share", "101")]
    public async Task BadArguments_ExitTwoWithAClearMessage(string message, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await StressCommand.RunAsync(args, AgentDbCommand.FromDll("unused.dll"), stdout, stderr, CancellationToken.None);
        Assert.Equal(2, code);
        Assert.Contains(message, stderr.ToString());
        Assert.StartsWith("agentdb stress: error: ", stderr.ToString());
        Assert.Equal("", stdout.ToString());
    }

    [Fact]
    public async Task Help_PrintsUsageAndExitsZero()
    {
        var stdout = new StringWriter();
        Assert.Equal(0, await StressCommand.RunAsync(["--help"], AgentDbCommand.FromDll("unused.dll"), stdout, TextWriter.Null, CancellationToken.None));
        Assert.Contains("--cell-seconds", stdout.ToString());
    }

    [Fact]
    public async Task Cli_DispatchesStressAndSizeToTheirCommands()
    {
        var stderr = new StringWriter();
        var code = await AgentDb.Server.Program.RunAsync(["stress", "--agents", "nope"], _ => null, TextWriter.Null, stderr);
        Assert.Equal(2, code);
        Assert.Contains("agentdb stress: error: invalid --agents 'nope'", stderr.ToString());

        stderr = new StringWriter();
        code = await AgentDb.Server.Program.RunAsync(["size", "--episodes", "-5"], _ => null, TextWriter.Null, stderr);
        Assert.Equal(2, code);
        Assert.Contains("agentdb size: error: invalid --episodes '-5'", stderr.ToString());

        var stdout = new StringWriter();
        Assert.Equal(0, await AgentDb.Server.Program.RunAsync(["--help"], _ => null, stdout, TextWriter.Null));
        Assert.Contains("agentdb stress", stdout.ToString());
        Assert.Contains("agentdb size", stdout.ToString());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(75)]
    [InlineData(100)]
    public void SessionShare_HoldsOverTheTurnsAndForEachAgent(int percent)
    {
        // 100 agents round-robin: the share must hold for each agent, not only overall.
        const int agents = 100;
        var scoped = new int[agents];
        for (long turn = 0; turn < agents * 200; turn++)
        {
            if (StressWorkload.IsSessionScoped(turn, percent))
            {
                scoped[turn % agents]++;
            }
        }
        Assert.Equal(percent * agents * 2, scoped.Sum(), (double)agents * 2 * 3);
        Assert.All(scoped, s => Assert.InRange(s, (2 * percent) - 40, (2 * percent) + 40));
        Assert.Null(StressWorkload.RetrievalOptions("s", 1, 0).SessionId);
        Assert.Equal("s", StressWorkload.RetrievalOptions("s", 1, 100).SessionId);
    }

    [Fact]
    public void ProcessProbe_ParsesVmRssKilobytes() =>
        Assert.Equal(123_456, ProcessProbe.ParseKilobytes("   123456 kB"));
}
