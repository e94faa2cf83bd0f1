using System.Globalization;
using AgentDb.Server.Bench.Server;

namespace AgentDb.Server.Tests.Bench.Server;

/// <summary><c>agentdb bench server</c>: its options, and a tiny run end to end (numbers are not checked: speed goals
/// live in docs/BENCHMARKS.md, never in tests).</summary>
public sealed class ServerBenchTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public void Options_AreParsed_AndBadOnesNamed()
    {
        Assert.True(ServerBenchOptions.TryParse(
            ["--connections", "1,50", "--pipeline=16", "--ops", "get,ping", "--requests", "10", "--records", "20", "--csv"],
            out var options, out var error), error);
        Assert.Equal([1, 50], options.Connections);
        Assert.Equal([16], options.Pipelines);
        Assert.Equal(["get", "ping"], options.Operations);
        Assert.Equal((10L, 20, true, false), (options.Requests, options.Records, options.Csv, options.InProcessServer));

        Assert.False(ServerBenchOptions.TryParse(["--ops", "get,scan"], out _, out error));
        Assert.StartsWith("invalid value 'get,scan' for --ops", error, StringComparison.Ordinal);
        Assert.False(ServerBenchOptions.TryParse(["--pipeline", "0"], out _, out error));
        Assert.Equal("invalid value '0' for --pipeline", error);
        Assert.False(ServerBenchOptions.TryParse(["--records", "5", "--k", "10"], out _, out error));
        Assert.Equal("--k 10 is more than --records 5", error);
        Assert.False(ServerBenchOptions.TryParse(["--bogus", "1"], out _, out error));
        Assert.Equal("unknown option --bogus", error);
    }

    [Fact]
    public void TinyRun_InProcessServer_PrintsOneCsvRowPerMeasurement()
    {
        var output = new StringWriter();
        var log = new StringWriter();

        var exitCode = ServerBenchCommand.Run(
            ["--in-process-server", "--requests", "300", "--search-requests", "40", "--records", "64", "--dimension", "8",
             "--connections", "2,3", "--pipeline", "1,4", "--ops", "get,search,upsert,ping", "--threads", "2", "--csv"],
            output, log);

        Assert.True(exitCode == 0, log.ToString());
        var rows = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // 2 connection counts x 2 depths, each: the in-process run of get/search/upsert right before the wire run of all 4 ops.
        Assert.Equal(4 * 3 + 4 * 4, rows.Length);
        foreach (var row in rows)
        {
            var fields = row.Split(',');
            Assert.Equal(11, fields.Length); // ... server CPU, client CPU µs/op
            Assert.True(double.Parse(fields[5], CultureInfo.InvariantCulture) > 0, row);
        }
        Assert.Contains(rows, r => r.StartsWith("agentdb,search,3,4,40,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TinyRun_ChildServer_ThroughTheExecutable()
    {
        using var child = AgentDbProcess.Start(
            "bench", "server", "--requests", "200", "--search-requests", "20", "--records", "32", "--dimension", "4",
            "--connections", "2", "--pipeline", "2", "--ops", "get,search", "--threads", "1");

        Assert.Equal(0, await child.WaitForExitAsync(s_timeout));
        Assert.Contains("child-process server on 127.0.0.1:", child.Stderr);
        Assert.Contains("| agentdb | get | 2 | 2 | 200 |", child.Stdout);
        Assert.Contains("| agentdb-inprocess | search | 1 threads | - | 20 |", child.Stdout);
    }
}
