using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace AgentDb.Server.Bench.Server;

/// <summary>The options of <c>agentdb bench server</c>.</summary>
internal sealed record ServerBenchOptions
{
    /// <summary>The usage text, ending with a newline.</summary>
    public const string Usage = """
        Usage: agentdb bench server [options]

        Loads a fresh temporary database with one collection, measures GET, SEARCH and UPSERT on it in process
        (AgentDatabase called directly: the baseline), then starts `agentdb serve` on it as a child process on a free
        127.0.0.1 port (or in this process with --in-process-server) and drives it over TCP like redis-benchmark:
        N connections x pipeline depth, each connection writing D requests and then reading the D answers. Every
        measured run is preceded by an unrecorded warm-up run of a tenth of its requests (over TCP: such runs
        repeated for at least 2 seconds, so that the server's JIT compilation is done before the measured run).

        Options:
          --connections LIST    Connection counts, comma-separated (default 50).
          --pipeline LIST       Pipeline depths: requests written per connection before reading the answers
                                (default 1,16).
          --ops LIST            Operations: get, upsert, search, ping (default get,search,upsert; ping is the
                                protocol's floor, with no in-process row).
          --requests N          Requests per GET or UPSERT run (default 200000).
          --search-requests N   Requests per SEARCH run (default 20000).
          --records N           Records pre-loaded (default 10000; below 20000 a collection is searched exactly).
          --dimension N         Vector dimension (default 384; cosine).
          --k N                 SEARCH k (default 10).
          --threads N           Threads of the in-process baseline (default: the processor count).
          --seed N              Data and request seed (default 42).
          --in-process-server   Run the server inside the benchmark process, over the same open database, instead of
                                as a child process; each in-process baseline then runs right before its wire run
                                (fairer on a shared machine), and the server's CPU time is not reported.
          --csv                 Print CSV rows (system,op,connections,pipeline,requests,ops_per_s,p50_ms,p99_ms,p999_ms,
                                server_cpu_us_per_op) instead of a table.

        The CPU time per request (user + system) of the server process (for the in-process rows: of this process
        while it runs only the database calls) is reported beside the wall-clock figures: on a shared machine it moves
        much less than ops/s.
          --help                This text.

        """;

    public IReadOnlyList<int> Connections { get; init; } = [50];

    public IReadOnlyList<int> Pipelines { get; init; } = [1, 16];

    public IReadOnlyList<string> Operations { get; init; } = ["get", "search", "upsert"];

    public long Requests { get; init; } = 200_000;

    public long SearchRequests { get; init; } = 20_000;

    public int Records { get; init; } = 10_000;

    public int Dimension { get; init; } = 384;

    public int K { get; init; } = 10;

    public int Threads { get; init; } = Environment.ProcessorCount;

    public int Seed { get; init; } = 42;

    public bool Csv { get; init; }

    public bool InProcessServer { get; init; }

    public bool HelpRequested { get; init; }

    /// <summary>Parses the arguments after <c>agentdb bench server</c>; on failure <paramref name="error"/> names the option.</summary>
    public static bool TryParse(IReadOnlyList<string> args, [NotNullWhen(true)] out ServerBenchOptions? options, [NotNullWhen(false)] out string? error)
    {
        options = new ServerBenchOptions();
        error = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var name = arg;
            string? value = null;
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                name = arg[..equals];
                value = arg[(equals + 1)..];
            }
            if (!seen.Add(name))
            {
                error = $"{name} is given more than once";
                break;
            }
            if (name is "--help" or "-h" or "help")
            {
                options = options with { HelpRequested = true };
                continue;
            }
            if (name == "--csv")
            {
                options = options with { Csv = true };
                continue;
            }
            if (name == "--in-process-server")
            {
                options = options with { InProcessServer = true };
                continue;
            }
            if (value is null)
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    error = name.StartsWith("--", StringComparison.Ordinal) ? $"{name} needs a value" : $"unexpected argument '{arg}'";
                    break;
                }
                value = args[++i];
            }
            switch (name)
            {
                case "--connections" when TryList(value, 1, 10_000, out var list): options = options with { Connections = list }; break;
                case "--pipeline" when TryList(value, 1, 4_096, out var list): options = options with { Pipelines = list }; break;
                case "--ops" when TryOps(value, out var ops): options = options with { Operations = ops }; break;
                case "--requests" when TryNumber(value, 1, 1_000_000_000, out var n): options = options with { Requests = n }; break;
                case "--search-requests" when TryNumber(value, 1, 1_000_000_000, out var n): options = options with { SearchRequests = n }; break;
                case "--records" when TryNumber(value, 1, 10_000_000, out var n): options = options with { Records = (int)n }; break;
                case "--dimension" when TryNumber(value, 1, 65_536, out var n): options = options with { Dimension = (int)n }; break;
                case "--k" when TryNumber(value, 1, 10_000, out var n): options = options with { K = (int)n }; break;
                case "--threads" when TryNumber(value, 1, 1_024, out var n): options = options with { Threads = (int)n }; break;
                case "--seed" when TryNumber(value, 0, int.MaxValue, out var n): options = options with { Seed = (int)n }; break;
                case "--connections" or "--pipeline" or "--requests" or "--search-requests" or "--records" or "--dimension"
                    or "--k" or "--threads" or "--seed":
                    error = $"invalid value '{value}' for {name}";
                    break;
                case "--ops":
                    error = $"invalid value '{value}' for --ops (known: get, upsert, search, ping)";
                    break;
                default:
                    error = $"unknown option {name}";
                    break;
            }
            if (error is not null)
            {
                break;
            }
        }
        if (error is null && options.K > options.Records)
        {
            error = $"--k {options.K} is more than --records {options.Records}";
        }
        if (error is not null)
        {
            options = null;
            return false;
        }
        return true;
    }

    private static bool TryNumber(string text, long min, long max, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;

    private static bool TryList(string text, int min, int max, out IReadOnlyList<int> values)
    {
        var parts = text.Split(',');
        var list = new int[parts.Length];
        values = list;
        for (var i = 0; i < parts.Length; i++)
        {
            if (!TryNumber(parts[i], min, max, out var value))
            {
                return false;
            }
            list[i] = (int)value;
        }
        return list.Length > 0;
    }

    private static bool TryOps(string text, out IReadOnlyList<string> operations)
    {
        var parts = text.Split(',');
        operations = parts;
        foreach (var part in parts)
        {
            if (part is not ("get" or "upsert" or "search" or "ping"))
            {
                return false;
            }
        }
        return parts.Length > 0;
    }
}
