using AgentDb.Server.Hosting;

namespace AgentDb.Server.Tests.Hosting;

public sealed class ServeCommandTests
{
    private const string ListenerNote =
        "(storage engine not yet available; the network listener arrives with the protocol issue)";

    [Fact]
    public async Task RunAsync_CreatesAndLocksDirectory_ReportsReady_AndStopsWhenCancelled()
    {
        using var root = new TempDirectory();
        var dataDirectory = Path.Combine(root.Path, "nested", "data");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        using var stop = new CancellationTokenSource();

        var run = ServeCommand.RunAsync(ServerOptions.Default with { DataDirectory = dataDirectory }, stdout, stderr, stop.Token);
        Assert.False(DataDirectoryLock.TryAcquire(dataDirectory, out _));
        await stop.CancelAsync();

        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(
            $"agentdb ready: data={dataDirectory} {ListenerNote}\nagentdb stopped\n",
            stdout.ToString().ReplaceLineEndings("\n"));
        Assert.Empty(stderr.ToString());
        Assert.True(DataDirectoryLock.TryAcquire(dataDirectory, out var after));
        after.Dispose();
    }

    [Fact]
    public async Task RunAsync_ReportsTheFullPathWithoutTrailingSeparator()
    {
        using var root = new TempDirectory();
        var stdout = new StringWriter();

        var exitCode = await ServeCommand.RunAsync(
            ServerOptions.Default with { DataDirectory = root.Path + Path.DirectorySeparatorChar },
            stdout, new StringWriter(), new CancellationToken(canceled: true));

        Assert.Equal(0, exitCode);
        Assert.StartsWith($"agentdb ready: data={root.Path} (", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_LockedDirectory_ExitsOneWithInUseMessage()
    {
        using var root = new TempDirectory();
        Assert.True(DataDirectoryLock.TryAcquire(root.Path, out var held));
        using (held)
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();

            var exitCode = await ServeCommand.RunAsync(
                ServerOptions.Default with { DataDirectory = root.Path }, stdout, stderr, CancellationToken.None);

            Assert.Equal(1, exitCode);
            Assert.Empty(stdout.ToString());
            Assert.Equal(
                $"agentdb: error: data directory {root.Path} is in use by another process",
                stderr.ToString().TrimEnd());
        }
    }

    [Fact]
    public async Task RunAsync_DataPathIsAFile_ExitsOneWithoutStackTrace()
    {
        using var root = new TempDirectory();
        var file = Path.Combine(root.Path, "file");
        File.WriteAllText(file, "");
        var stderr = new StringWriter();

        var exitCode = await ServeCommand.RunAsync(
            ServerOptions.Default with { DataDirectory = Path.Combine(file, "data") },
            new StringWriter(), stderr, CancellationToken.None);

        Assert.Equal(1, exitCode);
        Assert.StartsWith("agentdb: error: cannot open data directory ", stderr.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr.ToString(), StringComparison.Ordinal);
    }
}
