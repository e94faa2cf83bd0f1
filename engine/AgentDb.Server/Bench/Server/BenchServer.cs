using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using AgentDb.Server.Engine;
using AgentDb.Server.Network;
using AgentDb.Server.Network.Auth;
using AgentDb.Server.Network.Handlers;

namespace AgentDb.Server.Bench.Server;

/// <summary>The server under test: <c>agentdb serve</c> as a child process over the data directory the benchmark
/// loaded (like redis-server beside redis-benchmark), or a <see cref="NetworkHost"/> in this process over the
/// benchmark's open database; on free 127.0.0.1 ports.</summary>
internal sealed partial class BenchServer : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    private readonly Process? _child;
    private readonly NetworkHost? _host;

    private BenchServer(IPEndPoint endPoint, Process? child, NetworkHost? host)
    {
        EndPoint = endPoint;
        _child = child;
        _host = host;
    }

    /// <summary>Where the protocol listens.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>CPU time the server process has used so far (user + system); null for an in-process server, whose CPU
    /// time cannot be told apart from the load generator's.</summary>
    public TimeSpan? CpuTime
    {
        get
        {
            if (_child is null)
            {
                return null;
            }
            _child.Refresh();
            return _child.TotalProcessorTime;
        }
    }

    /// <summary>The server process's system (kernel) CPU time so far; null for an in-process server.</summary>
    public TimeSpan? SystemCpuTime
    {
        get
        {
            if (_child is null)
            {
                return null;
            }
            _child.Refresh();
            return _child.PrivilegedProcessorTime;
        }
    }

    /// <summary>Starts <c>agentdb serve</c> as a child process over <paramref name="dataDirectory"/> (its database in
    /// the <c>db</c> folder).</summary>
    /// <exception cref="IOException">The server did not start.</exception>
    public static Task<BenchServer> StartAsync(string dataDirectory, ServerBenchOptions options) =>
        StartChildAsync(dataDirectory, LimitsFor(options));

    /// <summary>Starts a server in this process over <paramref name="database"/>, which it does not own.</summary>
    /// <exception cref="IOException">A port could not be bound.</exception>
    public static async Task<BenchServer> StartOnAsync(AgentDatabase database, ServerBenchOptions options, TextWriter log)
    {
        var registry = EngineHandlers.Register(RequestHandlerRegistry.WithoutEngine(), database);
        var settings = new SessionSettings(registry, new ApiKeyStore([]), LimitsFor(options), new ServerMetrics(), $"agentdb/{Program.Version}",
            TextWriter.Synchronized(log));
        var host = await NetworkHost.StartAsync(IPAddress.Loopback, 0, 0, settings, CancellationToken.None).ConfigureAwait(false);
        return new BenchServer(host.ProtocolEndPoint, null, host);
    }

    /// <summary>Limits high enough for every connection count and depth of the run.</summary>
    private static ServerLimits LimitsFor(ServerBenchOptions options)
    {
        var maxDepth = 0;
        foreach (var depth in options.Pipelines)
        {
            maxDepth = Math.Max(maxDepth, depth);
        }
        var maxConnections = 0;
        foreach (var connections in options.Connections)
        {
            maxConnections = Math.Max(maxConnections, connections);
        }
        return ServerLimits.Default with
        {
            MaxInFlightPerConnection = Math.Max(ServerLimits.Default.MaxInFlightPerConnection, maxDepth),
            MaxConnections = Math.Max(ServerLimits.Default.MaxConnections, maxConnections + 16),
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync().ConfigureAwait(false);
        }
        if (_child is not null)
        {
            // The benchmark's data is thrown away: no need for a graceful stop.
            try
            {
                _child.Kill(entireProcessTree: true);
                await _child.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
            _child.Dispose();
        }
    }

    private static async Task<BenchServer> StartChildAsync(string dataDirectory, ServerLimits limits)
    {
        var config = Path.Combine(dataDirectory, "bench-server.json");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture,
            $$"""{ "limits": { "maxConnections": {{limits.MaxConnections}}, "maxInFlightPerConnection": {{limits.MaxInFlightPerConnection}} } }""")).ConfigureAwait(false);
        var start = SelfStartInfo();
        foreach (var arg in (string[])["serve", "--data", dataDirectory, "--host", "127.0.0.1", "--port", "0", "--http-port", "0", "--config", config])
        {
            start.ArgumentList.Add(arg);
        }
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        start.Environment.Remove("AGENTDB_API_KEYS");
        start.Environment.Remove("AGENTDB_TLS_CERT");
        var child = Process.Start(start) ?? throw new IOException("could not start agentdb serve");
        child.ErrorDataReceived += static (_, _) => { }; // drain: the no-keys warning
        child.BeginErrorReadLine();
        try
        {
            using var deadline = new CancellationTokenSource(s_startTimeout);
            while (await child.StandardOutput.ReadLineAsync(deadline.Token).ConfigureAwait(false) is { } line)
            {
                var match = ReadyLine().Match(line);
                if (match.Success)
                {
                    var port = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                    _ = child.StandardOutput.ReadToEndAsync(CancellationToken.None); // drain: the stopped line
                    return new BenchServer(new IPEndPoint(IPAddress.Loopback, port), child, null);
                }
            }
            throw new IOException($"agentdb serve exited with code {(child.HasExited ? child.ExitCode : -1)} before it was ready");
        }
        catch (OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
            child.Dispose();
            throw new IOException($"agentdb serve was not ready within {s_startTimeout}");
        }
        catch
        {
            if (!child.HasExited)
            {
                child.Kill(entireProcessTree: true);
            }
            child.Dispose();
            throw;
        }
    }

    /// <summary>How to run this same agentdb: its apphost, or the dotnet host with agentdb.dll.</summary>
    private static ProcessStartInfo SelfStartInfo()
    {
        var host = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(host);
        if (string.Equals(Path.GetFileNameWithoutExtension(host), "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(BenchServer).Assembly.Location);
        }
        return start;
    }

    [GeneratedRegex(@"^agentdb ready: .* protocol=[^ ]*:([0-9]+) ")]
    private static partial Regex ReadyLine();
}
