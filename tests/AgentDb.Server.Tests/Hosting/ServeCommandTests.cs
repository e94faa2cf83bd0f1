using System.Text.RegularExpressions;
using AgentDb.Client;
using AgentDb.Server.Hosting;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Tests.Hosting;

public sealed partial class ServeCommandTests
{
    private const string NoKeysWarning =
        "agentdb: warning: no API keys configured (config file apiKeys or AGENTDB_API_KEYS): " +
        "authentication is disabled and every client is admin";

    /// <summary>Never the default ports: other test runs and developers may hold them.</summary>
    private static ServerOptions AnyPorts(string dataDirectory) =>
        ServerOptions.Default with { DataDirectory = dataDirectory, Port = 0, HttpPort = 0 };

    [Fact]
    public async Task RunAsync_CreatesAndLocksDirectory_ReportsReady_AndStopsWhenCancelled()
    {
        using var root = new TempDirectory();
        var dataDirectory = Path.Combine(root.Path, "nested", "data");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        using var stop = new CancellationTokenSource();

        var run = ServeCommand.RunAsync(AnyPorts(dataDirectory), stdout, stderr, stop.Token);
        await WaitForReadyAsync(stdout);
        Assert.False(DataDirectoryLock.TryAcquire(dataDirectory, out _));
        await stop.CancelAsync();

        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Matches(
            $"^agentdb ready: data={Regex.Escape(dataDirectory)} protocol=127\\.0\\.0\\.1:[1-9][0-9]* http=127\\.0\\.0\\.1:[1-9][0-9]*\n" +
            "agentdb stopped\n$",
            stdout.ToString().ReplaceLineEndings("\n"));
        Assert.Equal(NoKeysWarning, stderr.ToString().TrimEnd());
        Assert.True(DataDirectoryLock.TryAcquire(dataDirectory, out var after));
        after.Dispose();
    }

    [Fact]
    public async Task RunAsync_WritesTheEnginesWarnings_HereRefusedIndexSegments()
    {
        // A collection past the HNSW threshold has its graph sealed in segment files at close; one of them is cut short
        // on disk, so the engine refuses the segments at open and rebuilds the index, with a warning that must reach the
        // server's stderr (it used to go nowhere).
        using var root = new TempDirectory();
        var dataDirectory = Path.Combine(root.Path, "data");
        var databaseDirectory = Path.Combine(dataDirectory, ServeCommand.DatabaseDirectoryName);
        using (var database = AgentDatabase.Open(databaseDirectory))
        {
            database.CreateCollection("c", 4, AgentDb.Kernels.DistanceMetric.L2Squared);
            var batch = new RecordBatch();
            var random = new Random(5);
            for (int i = 0; i < new AgentDatabaseOptions().HnswThreshold + 500; i++)
            {
                batch.Upsert("c", "v" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), [0x80], [random.NextSingle(), random.NextSingle(), random.NextSingle(), random.NextSingle()]);
                if (batch.Count == 1000)
                {
                    database.Batch(batch);
                    batch.Clear();
                }
            }

            database.Batch(batch);
        }

        FileInfo segment = new DirectoryInfo(Path.Combine(databaseDirectory, "index")).EnumerateFiles("*", SearchOption.AllDirectories)
            .Where(f => f.Name != "segments.manifest").OrderByDescending(f => f.Length).First();
        using (var stream = new FileStream(segment.FullName, FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(stream.Length / 2);
        }

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        using var stop = new CancellationTokenSource();
        var run = ServeCommand.RunAsync(AnyPorts(dataDirectory), stdout, stderr, stop.Token);
        await WaitForReadyAsync(stdout);
        await stop.CancelAsync();
        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(60)));

        string warning = Assert.Single(stderr.ToString().ReplaceLineEndings("\n").Split('\n'), line => line.Contains("rebuilding the index", StringComparison.Ordinal));
        Assert.StartsWith("agentdb: warning: The vector index segments of collection 'c'", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ReportsTheFullPathWithoutTrailingSeparator()
    {
        using var root = new TempDirectory();
        var stdout = new StringWriter();

        using var stop = new CancellationTokenSource();
        var run = ServeCommand.RunAsync(AnyPorts(root.Path + Path.DirectorySeparatorChar), stdout, new StringWriter(), stop.Token);
        await WaitForReadyAsync(stdout);
        await stop.CancelAsync();

        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.StartsWith($"agentdb ready: data={root.Path} protocol=", stdout.ToString(), StringComparison.Ordinal);
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

            var exitCode = await ServeCommand.RunAsync(AnyPorts(root.Path), stdout, stderr, CancellationToken.None);

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
            AnyPorts(Path.Combine(file, "data")), new StringWriter(), stderr, CancellationToken.None);

        Assert.Equal(1, exitCode);
        Assert.StartsWith("agentdb: error: cannot open data directory ", stderr.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_WithAConfigFile_RequiresItsKeys_AndAppliesItsLimits()
    {
        using var root = new TempDirectory();
        var config = Path.Combine(root.Path, "agentdb.json");
        File.WriteAllText(config, """
            {
              // comments are allowed
              "apiKeys": [ { "name": "ingest", "key": "ingest-key-0123456789", "role": "write" } ],
              "limits": { "maxInFlightPerConnection": 7, "maxFrameBytes": 65536 },
            }
            """);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        using var stop = new CancellationTokenSource();

        var run = ServeCommand.RunAsync(
            AnyPorts(Path.Combine(root.Path, "data")) with { ConfigFile = config }, stdout, stderr, stop.Token);
        var port = await WaitForReadyAsync(stdout);
        try
        {
            await using var client = await AgentDbClient.ConnectAsync("127.0.0.1", port, "ingest-key-0123456789");
            await client.PingAsync();
            Assert.Equal((AccessRole.Write, 7, 65536), (client.Session.Role, client.Session.MaxInFlight, client.Session.MaxFrameSize));
            var refused = await Assert.ThrowsAsync<AgentDbException>(() => AgentDbClient.ConnectAsync("127.0.0.1", port, null));
            Assert.Equal(ErrorCode.Unauthorized, refused.Code);
        }
        finally
        {
            await stop.CancelAsync();
        }

        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Empty(stderr.ToString()); // keys configured: no warning
    }

    [Fact]
    public async Task RunAsync_InvalidConfigFile_ExitsTwoNamingTheProblem_BeforeTouchingTheDataDirectory()
    {
        using var root = new TempDirectory();
        var config = Path.Combine(root.Path, "agentdb.json");
        File.WriteAllText(config, """{ "apiKeys": [ { "name": "x", "key": "0123456789abcdef", "role": "owner" } ] }""");
        var stderr = new StringWriter();
        var dataDirectory = Path.Combine(root.Path, "data");

        var exitCode = await ServeCommand.RunAsync(
            AnyPorts(dataDirectory) with { ConfigFile = config }, new StringWriter(), stderr, CancellationToken.None);

        Assert.Equal(2, exitCode);
        Assert.Equal(
            $"agentdb: error: config file {config}: $.apiKeys[0].role: must be \"read\", \"write\", \"admin\" or \"replication\", not \"owner\"",
            stderr.ToString().TrimEnd());
        Assert.False(Directory.Exists(dataDirectory));
    }

    [Fact]
    public async Task RunAsync_PortInUse_ExitsOneWithAClearError()
    {
        using var root = new TempDirectory();
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        var stderr = new StringWriter();

        var exitCode = await ServeCommand.RunAsync(
            AnyPorts(root.Path) with { Port = port }, new StringWriter(), stderr, CancellationToken.None);

        Assert.Equal(1, exitCode);
        Assert.Contains($"agentdb: error: cannot listen on 127.0.0.1 ports {port} and 0:", stderr.ToString());
        Assert.DoesNotContain("   at ", stderr.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Waits for the ready line; returns the protocol port it names.</summary>
    private static async Task<int> WaitForReadyAsync(StringWriter stdout)
    {
        for (var i = 0; i < 300; i++)
        {
            var match = ReadyLine().Match(stdout.ToString());
            if (match.Success)
            {
                return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
            await Task.Delay(50);
        }
        Assert.Fail($"no ready line within 15 s; stdout: {stdout}");
        return 0;
    }

    [GeneratedRegex(@"agentdb ready: .* protocol=[^ ]*:([0-9]+) ")]
    private static partial Regex ReadyLine();
}
