using System.Text.Json;
using AgentDb.Engine.Tests.Support;
using AgentDb.Simulation.Sizing;

namespace AgentDb.Simulation.Tests.Sizing;

public sealed class SizeCommandTests
{
    [Theory]
    [InlineData("give at least one count")]
    [InlineData("give at least one count", "--dimension", "128")]
    [InlineData("invalid --episodes '-5'", "--episodes", "-5")]
    [InlineData("invalid --skills 'many'", "--skills", "many")]
    [InlineData("invalid --graph-nodes '1e6'", "--graph-nodes", "1e6")]
    [InlineData("invalid --causal-edges '2000000000000'", "--causal-edges", "2000000000000")]
    [InlineData("invalid --samples '10'", "--episodes", "1", "--samples", "10")]
    [InlineData("invalid --dimension '0'", "--episodes", "1", "--dimension", "0")]
    [InlineData("unknown option '--nodes'", "--nodes", "5")]
    [InlineData("option --episodes needs a value", "--episodes")]
    [InlineData("option --episodes given more than once", "--episodes", "1", "--episodes", "2")]
    public void BadArguments_ExitTwoWithAClearMessage(string message, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.Equal(2, SizeCommand.Run(args, stdout, stderr));
        Assert.StartsWith("agentdb size: error: ", stderr.ToString());
        Assert.Contains(message, stderr.ToString());
        Assert.Equal("", stdout.ToString());
    }

    [Fact]
    public void Run_MeasuresPrintsTheAnalysisBesideAndWritesTheReport()
    {
        using var dir = new TempDirectory();
        var report = dir.Combine("size.json");
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var code = SizeCommand.Run(
            ["--episodes", "1000000", "--skills", "10000", "--causal-edges", "500000", "--graph-nodes", "100000", "--samples", "300",
             "--dimension", "64", "--report", report],
            stdout, stderr);

        Assert.True(code == 0, stderr.ToString());
        Assert.Contains("recommended disk", stdout.ToString());
        using var json = JsonDocument.Parse(File.ReadAllBytes(report));
        var kinds = json.RootElement.GetProperty("kinds");
        Assert.Equal(5, kinds.GetArrayLength());
        var episodes = kinds[0];
        Assert.Equal("episodes", episodes.GetProperty("kind").GetString());
        Assert.Equal(1_000_000, episodes.GetProperty("count").GetInt64());
        Assert.Equal(1_500, episodes.GetProperty("analysisBytesPerRecord").GetDouble());
        var perRecord = episodes.GetProperty("diskBytesPerRecord").GetDouble();
        Assert.True(perRecord > 0);
        Assert.Equal(perRecord * 1_000_000, episodes.GetProperty("diskBytes").GetDouble(), 0.01 * perRecord * 1_000_000);
        Assert.Equal(0, kinds[4].GetProperty("count").GetInt64());
        Assert.Equal(JsonValueKind.Null, kinds[4].GetProperty("analysisBytesPerRecord").ValueKind);
        var disk = json.RootElement.GetProperty("diskBytes").GetDouble();
        Assert.InRange(json.RootElement.GetProperty("recommendedDiskBytes").GetDouble(), (disk * 2) + (256L << 20) - 2, (disk * 2) + (256L << 20) + 2);
    }

    [Fact]
    public void Bytes_UsesBinaryUnits()
    {
        Assert.Equal("512 B", SizeCommand.Bytes(512));
        Assert.Equal("1.50 KiB", SizeCommand.Bytes(1_536));
        Assert.Equal("2.00 GiB", SizeCommand.Bytes(2L << 30));
    }
}
