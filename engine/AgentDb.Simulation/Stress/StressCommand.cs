using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using AgentDb.Memory;
using AgentDb.Memory.Embedding;
using AgentDb.Simulation.Stress.Plot;
using AgentDb.Simulation.Targets;

namespace AgentDb.Simulation.Stress;

/// <summary>
/// <c>agentdb stress</c>: the stress matrix against a server (one started on loopback unless <c>--server</c> names
/// one) or embedded; prints a table, and writes the JSON report and the PNG plot when asked. Exit codes: 0 the matrix
/// ran (its success rate is in the table), 1 a run-time failure (the server did not start, a connection was
/// refused), 2 invalid arguments.
/// </summary>
internal static class StressCommand
{
    /// <summary>The options' help text.</summary>
    public const string Usage = """
        Usage: agentdb stress [--agents LIST] [--concurrency LIST] [--cell-seconds S] [--max-ops N]
                              [--server HOST:PORT [--api-key KEY] | --embedded] [--session-share PCT]
                              [--dimension N] [--seed N]
                              [--report FILE] [--plot FILE]

        The stress matrix: for each number of agents and each concurrency, simulated agents (one session each) take
        turns storing an episode (its vector supplied) and retrieving the 5 most relevant episodes (their own session
        in PCT % of the turns, every session otherwise), with CONCURRENCY turns in flight, for S seconds per cell.

          --agents LIST        Agent counts, comma-separated (default 10,50,100,500,1000,5000,10000).
          --concurrency LIST   Operations in flight (default 1,5,10,20,50). Against a server, each cell opens a pool
                               of that many pipelined connections.
          --cell-seconds S     Time each cell issues operations (default 5).
          --max-ops N          Also stop a cell after N operations.
          --server HOST:PORT   Run against that server (its memory's dimension is used). Without --server or
                               --embedded, `agentdb serve` is started on 127.0.0.1 (free ports, a temporary data
                               directory, the hashing embedder) and stopped at the end; its RSS and CPU are reported.
          --api-key KEY        The key to present to --server when it has keys (a write key).
          --embedded           Run on an AgentMemory in this process (temporary directory); this process's RSS and
                               CPU are reported.
          --session-share PCT  Percent of retrievals scoped to the agent's own session, 0-100 (default 75).
          --dimension N        Vector dimension, 2-4096 (default 384).
          --seed N             Seed of the vectors and choices (default 42).
          --report FILE        Write the JSON report.
          --plot FILE          Write a PNG plot of throughput and p99 against agents, one line per concurrency.

        """;

    private static readonly HashSet<string> s_flags = ["--embedded", "--help"];
    private static readonly HashSet<string> s_valued =
        ["--agents", "--concurrency", "--cell-seconds", "--max-ops", "--server", "--api-key", "--session-share", "--dimension", "--seed", "--report", "--plot"];

    /// <summary>Parses the arguments after <c>stress</c>; on failure <paramref name="error"/> says why.</summary>
    public static bool TryParse(
        IReadOnlyList<string> args, [NotNullWhen(true)] out StressOptions? options, out bool help, [NotNullWhen(false)] out string? error)
    {
        options = null;
        help = false;
        if (!CommandOptions.TryParse(args, s_flags, s_valued, out var given, out error))
        {
            return false;
        }
        if (given.Has("--help"))
        {
            help = true;
            options = new StressOptions();
            return true;
        }
        double cellSeconds = 5;
        long maxOps = 0;
        long dimension = 384;
        long seed = 42;
        long sessionShare = 75;
        if (!given.TryGetIntList("--agents", 1, StressOptions.MaxAgents, out var agents, out error)
            || !given.TryGetIntList("--concurrency", 1, StressOptions.MaxConcurrency, out var concurrency, out error)
            || !given.TryGetPositiveDouble("--cell-seconds", 3_600, ref cellSeconds, out error)
            || !given.TryGetInt64("--max-ops", 1, long.MaxValue / 2, ref maxOps, out error)
            || !given.TryGetInt64("--dimension", 2, 4_096, ref dimension, out error)
            || !given.TryGetInt64("--seed", int.MinValue, int.MaxValue, ref seed, out error)
            || !given.TryGetInt64("--session-share", 0, 100, ref sessionShare, out error))
        {
            return false;
        }
        string? host = null;
        var port = 0;
        if (given.Value("--server") is { } server && !CommandOptions.TryParseEndpoint(server, out host, out port))
        {
            error = $"invalid --server '{server}': expected HOST:PORT with a port from 1 to 65535";
            return false;
        }
        if (host is not null && given.Has("--embedded"))
        {
            error = "--server and --embedded exclude each other";
            return false;
        }
        if (host is null && given.Has("--api-key"))
        {
            error = "--api-key needs --server (a spawned or embedded memory has no keys)";
            return false;
        }
        foreach (var name in (string[])["--report", "--plot"])
        {
            if (given.Value(name) is { } path && path.AsSpan().IndexOfAny(Path.GetInvalidPathChars()) >= 0)
            {
                error = $"invalid {name} '{path}': contains a character not allowed in a path";
                return false;
            }
        }
        options = new StressOptions
        {
            Agents = agents ?? StressOptions.DefaultAgents,
            Concurrency = concurrency ?? StressOptions.DefaultConcurrency,
            CellDuration = TimeSpan.FromSeconds(cellSeconds),
            MaxOperationsPerCell = given.Has("--max-ops") ? maxOps : null,
            Dimension = (int)dimension,
            Seed = (int)seed,
            SessionSharePercent = (int)sessionShare,
            Embedded = given.Has("--embedded"),
            ServerHost = host,
            ServerPort = port,
            ApiKey = given.Value("--api-key"),
            ReportPath = given.Value("--report"),
            PlotPath = given.Value("--plot"),
        };
        return true;
    }

    /// <summary>Runs <c>agentdb stress <paramref name="args"/></c>.</summary>
    /// <param name="args">The arguments after <c>stress</c>.</param>
    /// <param name="agentdb">How to start <c>agentdb serve</c> when no server is given.</param>
    /// <param name="stdout">Receives the table.</param>
    /// <param name="stderr">Receives errors.</param>
    /// <param name="cancellationToken">Stops the run (Ctrl+C).</param>
    /// <returns>0, 1 or 2 as the class summary says.</returns>
    public static async Task<int> RunAsync(
        IReadOnlyList<string> args, AgentDbCommand agentdb, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agentdb);
        if (!TryParse(args, out var options, out var help, out var error))
        {
            stderr.WriteLine($"agentdb stress: error: {error}");
            stderr.WriteLine("Run 'agentdb stress --help' for usage.");
            return 2;
        }
        if (help)
        {
            stdout.Write(Usage);
            return 0;
        }
        try
        {
            var (results, target) = await RunAsync(options, agentdb, stdout, cancellationToken).ConfigureAwait(false);
            if (options.ReportPath is { } report)
            {
                StressReport.WriteJson(report, options, target, results);
                stdout.WriteLine($"report: {report}");
            }
            if (options.PlotPath is { } plot)
            {
                PngWriter.Write(plot, StressPlot.Render(results, $"AGENTDB STRESS - {target.ToUpperInvariant()}"));
                stdout.WriteLine($"plot: {plot}");
            }
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            stderr.WriteLine("agentdb stress: interrupted");
            return 1;
        }
        catch (Exception e) when (e is IOException or TimeoutException or Client.AgentDbException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"agentdb stress: error: {e.Message}");
            return 1;
        }
    }

    /// <summary>Runs the matrix as <paramref name="options"/> say, writing the table to <paramref name="stdout"/> as cells
    /// finish.</summary>
    /// <returns>The cells and a description of the target ("embedded", "server 127.0.0.1:N (spawned)").</returns>
    internal static async Task<(IReadOnlyList<StressCellResult> Cells, string Target)> RunAsync(
        StressOptions options, AgentDbCommand agentdb, TextWriter stdout, CancellationToken cancellationToken)
    {
        void Print(StressCellResult cell)
        {
            stdout.WriteLine(StressReport.Row(cell));
            stdout.Flush();
        }

        if (options.Embedded)
        {
            var directory = Path.Combine(Path.GetTempPath(), "agentdb-stress-" + Guid.NewGuid().ToString("N"));
            try
            {
                using var memory = AgentMemory.Open(directory, new AgentMemoryOptions { Embedder = new HashingEmbedder(options.Dimension) });
                var runner = new StressRunner(
                    options, (_, _) => Task.FromResult<IMemoryTarget>(new EmbeddedMemoryTarget(memory, ownsMemory: false)), ProcessProbe.Self());
                stdout.WriteLine($"agentdb stress: embedded ({directory}), {Describe(options)}");
                stdout.WriteLine(StressReport.Header);
                return (await runner.RunAsync(Print, cancellationToken).ConfigureAwait(false), "embedded");
            }
            finally
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (DirectoryNotFoundException)
                {
                    // Never created.
                }
            }
        }

        if (options.ServerHost is { } host)
        {
            var dimension = await ServerDimensionAsync(host, options.ServerPort, options.ApiKey, cancellationToken).ConfigureAwait(false);
            var remote = options with { Dimension = dimension };
            var runner = new StressRunner(remote, OpenPool(host, options.ServerPort, options.ApiKey), probe: null);
            var name = $"server {host}:{options.ServerPort.ToString(CultureInfo.InvariantCulture)}";
            stdout.WriteLine($"agentdb stress: {name} (dimension {dimension}), {Describe(remote)}");
            stdout.WriteLine(StressReport.Header);
            return (await runner.RunAsync(Print, cancellationToken).ConfigureAwait(false), name);
        }

        var server = await StressServerProcess.StartAsync(agentdb, options.Dimension, cancellationToken).ConfigureAwait(false);
        await using (server.ConfigureAwait(false))
        {
            var runner = new StressRunner(options, OpenPool(StressServerProcess.Host, server.Port, apiKey: null), new ProcessProbe(server.ProcessId));
            var name = $"server {StressServerProcess.Host}:{server.Port.ToString(CultureInfo.InvariantCulture)} (spawned, pid {server.ProcessId.ToString(CultureInfo.InvariantCulture)})";
            stdout.WriteLine($"agentdb stress: {name}, {Describe(options)}");
            stdout.WriteLine(StressReport.Header);
            var cells = await runner.RunAsync(Print, cancellationToken).ConfigureAwait(false);
            return (cells, "spawned server");
        }
    }

    private static Func<int, CancellationToken, Task<IMemoryTarget>> OpenPool(string host, int port, string? apiKey) =>
        async (concurrency, cancellationToken) =>
            await ServerMemoryTarget.ConnectAsync(host, port, apiKey, concurrency, cancellationToken).ConfigureAwait(false);

    private static async Task<int> ServerDimensionAsync(string host, int port, string? apiKey, CancellationToken cancellationToken)
    {
        var probe = await ServerMemoryTarget.ConnectAsync(host, port, apiKey, connections: 1, cancellationToken).ConfigureAwait(false);
        await using (probe.ConfigureAwait(false))
        {
            return probe.Dimension;
        }
    }

    private static string Describe(StressOptions options) => string.Create(
        CultureInfo.InvariantCulture,
        $"agents [{string.Join(',', options.Agents)}] x concurrency [{string.Join(',', options.Concurrency)}], {options.CellDuration.TotalSeconds} s per cell{(options.MaxOperationsPerCell is { } max ? $" or {max} ops" : "")}, {options.SessionSharePercent}% of retrievals in the agent's session, dimension {options.Dimension}");
}
