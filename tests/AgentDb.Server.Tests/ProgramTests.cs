using AgentDb.Server.Cli;

namespace AgentDb.Server.Tests;

public sealed class ProgramTests
{
    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exitCode = await Program.RunAsync(args, _ => null, stdout, stderr);
        return (exitCode, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Help_PrintsUsageToStdoutAndExitsZero()
    {
        var (exitCode, stdout, stderr) = await RunAsync("--help");

        Assert.Equal(0, exitCode);
        Assert.Equal(UsageText.Text, stdout);
        Assert.Contains("agentdb serve [--data DIR] [--host ADDR] [--port N] [--http-port N] [--config FILE]", stdout);
        Assert.Empty(stderr);
    }

    [Fact]
    public async Task Version_PrintsTheAssemblyVersionAndExitsZero()
    {
        var (exitCode, stdout, stderr) = await RunAsync("--version");

        Assert.Equal(0, exitCode);
        Assert.StartsWith("agentdb 0.1.0", stdout, StringComparison.Ordinal);
        Assert.Equal(1, stdout.Count(c => c == '\n'));
        Assert.Empty(stderr);
    }

    [Theory]
    [InlineData("serve", "--port", "abc")]
    [InlineData("serve", "--port", "70000")]
    [InlineData("serve", "--port")]
    [InlineData("serve", "--nope")]
    public async Task BadOption_PrintsOneErrorAndAHintToStderrAndExitsTwo(params string[] args)
    {
        var (exitCode, stdout, stderr) = await RunAsync(args);

        Assert.Equal(2, exitCode);
        Assert.Empty(stdout);
        var lines = stderr.TrimEnd().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("agentdb: error: ", lines[0], StringComparison.Ordinal);
        Assert.Equal("Run 'agentdb --help' for usage.", lines[1]);
    }

    [Theory]
    [InlineData("frob")]
    [InlineData]
    public async Task UnknownOrMissingCommand_PrintsErrorAndUsageToStderrAndExitsTwo(params string[] args)
    {
        var (exitCode, stdout, stderr) = await RunAsync(args);

        Assert.Equal(2, exitCode);
        Assert.Empty(stdout);
        Assert.StartsWith("agentdb: error: ", stderr, StringComparison.Ordinal);
        Assert.EndsWith(UsageText.Text, stderr, StringComparison.Ordinal);
    }
}
