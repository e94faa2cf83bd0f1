using System.Text.RegularExpressions;
using AgentDb.Client;
using AgentDb.Server.Cli;
using AgentDb.Server.Hosting;

namespace AgentDb.Server.Tests.Memory;

/// <summary>
/// <c>agentdb serve</c> in this process, parsed from a real command line (so <c>--embedder</c> goes through the parser),
/// on 127.0.0.1 with OS-chosen ports, a temporary data directory and three API keys (read, write, admin).
/// </summary>
internal sealed partial class MemoryServer : IAsyncDisposable
{
    public const string ReadKey = "read-key-0123456789";
    public const string WriteKey = "write-key-0123456789";
    public const string AdminKey = "admin-key-0123456789";

    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    private readonly CancellationTokenSource _stop;
    private readonly TempDirectory? _ownedDirectory;

    private MemoryServer(
        string dataDirectory, TempDirectory? ownedDirectory, CancellationTokenSource stop, StringWriter stdout, StringWriter stderr, Task<int> run, int port)
    {
        _stop = stop;
        DataDirectory = dataDirectory;
        _ownedDirectory = ownedDirectory;
        Stdout = stdout;
        Stderr = stderr;
        Run = run;
        Port = port;
    }

    public string DataDirectory { get; }

    public StringWriter Stdout { get; }

    public StringWriter Stderr { get; }

    public Task<int> Run { get; }

    public int Port { get; }

    /// <summary>Starts serve with <c>--embedder <paramref name="embedder"/></c> (null: the default) in
    /// <paramref name="dataDirectory"/> (null: a fresh temporary one, deleted on dispose).</summary>
    public static async Task<MemoryServer> StartAsync(string? embedder = "hashing", string? dataDirectory = null)
    {
        var owned = dataDirectory is null ? new TempDirectory() : null;
        var data = dataDirectory ?? Path.Combine(owned!.Path, "data");
        List<string> args = ["serve", "--data", data, "--port", "0", "--http-port", "0"];
        if (embedder is not null)
        {
            args.AddRange(["--embedder", embedder]);
        }
        Assert.True(CommandLineParser.TryParse(args, Environment, out var command, out var error), error?.Message);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var stop = new CancellationTokenSource();
        var run = ServeCommand.RunAsync(command.Options!, TextWriter.Synchronized(stdout), TextWriter.Synchronized(stderr), stop.Token);
        var deadline = DateTime.UtcNow + s_timeout;
        while (DateTime.UtcNow < deadline && !run.IsCompleted)
        {
            var match = ReadyLine().Match(stdout.ToString());
            if (match.Success)
            {
                return new MemoryServer(data, owned, stop, stdout, stderr, run, int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
            await Task.Delay(20);
        }
        await stop.CancelAsync();
        await run.WaitAsync(s_timeout).ContinueWith(_ => { }, TaskScheduler.Default);
        stop.Dispose();
        owned?.Dispose();
        Assert.Fail($"serve did not become ready (exit {(run.IsCompleted ? run.Result : -1)}); stderr: {stderr}");
        return null!;
    }

    public Task<AgentDbClient> ConnectAsync(string apiKey = AdminKey) =>
        AgentDbClient.ConnectAsync("127.0.0.1", Port, apiKey, new AgentDbClientOptions { RequestTimeout = s_timeout });

    /// <summary>Stops the server and returns its exit code (the data directory stays until dispose).</summary>
    public async Task<int> StopAsync()
    {
        await _stop.CancelAsync();
        return await Run.WaitAsync(s_timeout);
    }

    public async ValueTask DisposeAsync()
    {
        if (!Run.IsCompleted)
        {
            await StopAsync();
        }
        _stop.Dispose();
        _ownedDirectory?.Dispose();
    }

    private static string? Environment(string name) =>
        name == EnvironmentVariables.ApiKeys ? $"reader:read:{ReadKey},writer:write:{WriteKey},root:admin:{AdminKey}" : null;

    [GeneratedRegex(@"agentdb ready: .* protocol=[^ ]*:([0-9]+) ")]
    private static partial Regex ReadyLine();
}
