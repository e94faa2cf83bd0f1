using AgentDb.Server.Hosting;

namespace AgentDb.Server.Tests;

/// <summary>End-to-end: the built <c>agentdb</c> executable, its exit codes, its lock and its signal handling.</summary>
public sealed class AgentDbProcessTests
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
        using var first = AgentDbProcess.Start("serve", "--data", dataDirectory);

        var ready = await first.WaitForLineAsync("agentdb ready:", s_timeout);
        Assert.Equal(
            $"agentdb ready: data={dataDirectory} (storage engine not yet available; " +
            "the network listener arrives with the protocol issue)",
            ready);
        Assert.True(File.Exists(Path.Combine(dataDirectory, "LOCK")));

        using var second = AgentDbProcess.Start("serve", "--data", dataDirectory);
        Assert.Equal(1, await second.WaitForExitAsync(s_timeout));
        Assert.Contains($"data directory {dataDirectory} is in use by another process", second.Stderr);
        Assert.DoesNotContain("agentdb ready", second.Stdout);

        first.Signal(AgentDbProcess.Sigterm);

        Assert.Equal(0, await first.WaitForExitAsync(s_timeout));
        Assert.EndsWith("agentdb stopped\n", first.Stdout, StringComparison.Ordinal);
        Assert.Equal("", first.Stderr);
        Assert.True(DataDirectoryLock.TryAcquire(dataDirectory, out var released), "the lock outlived the server");
        released.Dispose();
    }

    [Fact]
    public async Task BadPort_ExitsTwoWithAnErrorAndNoStackTrace()
    {
        using var child = AgentDbProcess.Start("serve", "--port", "99999");

        Assert.Equal(2, await child.WaitForExitAsync(s_timeout));
        Assert.Equal(
            "agentdb: error: invalid port '99999' from --port: must be between 1 and 65535\n" +
            "Run 'agentdb --help' for usage.\n",
            child.Stderr);
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
}
