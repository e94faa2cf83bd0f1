using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using AgentDb.Simulation.Runner;
using AgentDb.Simulation.Scenarios;

namespace AgentDb.Server.Cli;

/// <summary>
/// Parses <c>agentdb simulate &lt;scenario&gt; [options]</c> into <see cref="SimulationRunSettings"/>: every value is
/// checked here, so a bad one is a usage error (exit code 2) before anything is opened. Options take their value as
/// <c>--name value</c> or <c>--name=value</c>; <c>--optimize</c> and <c>--embedded</c> are flags.
/// </summary>
internal static class SimulateCommandLine
{
    private const int MaxSwarmSize = 1_000_000;
    private const int MaxIterations = 10_000_000;
    private const int MaxParallel = 1_024;
    private const int MaxDimension = 4_096;

    /// <summary>Parses the arguments after <c>simulate</c>.</summary>
    public static bool TryParse(
        IReadOnlyList<string> args, [NotNullWhen(true)] out ParsedCommand? command, [NotNullWhen(false)] out CommandLineError? error)
    {
        command = null;
        string? scenario = null;
        var given = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg is "--help" or "-h")
            {
                command = new ParsedCommand(CommandKind.Help);
                error = null;
                return true;
            }
            if (!arg.StartsWith('-'))
            {
                if (scenario is not null)
                {
                    error = new CommandLineError($"unexpected argument '{arg}' for simulate (the scenario is '{scenario}')");
                    return false;
                }
                scenario = arg;
                continue;
            }
            int equals = arg.IndexOf('=', StringComparison.Ordinal);
            string name = equals < 0 ? arg : arg[..equals];
            string? value;
            switch (name)
            {
                case "--optimize" or "--embedded":
                    if (equals >= 0)
                    {
                        error = new CommandLineError($"option {name} takes no value");
                        return false;
                    }
                    value = null;
                    break;
                case "--swarm-size" or "--iterations" or "--parallel" or "--seed" or "--server" or "--api-key" or "--data" or "--report"
                    or "--dimension":
                    if (equals >= 0)
                    {
                        value = arg[(equals + 1)..];
                    }
                    else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        value = args[++i];
                    }
                    else
                    {
                        error = new CommandLineError($"option {name} needs a value");
                        return false;
                    }
                    if (value.Length == 0)
                    {
                        error = new CommandLineError($"option {name} needs a value");
                        return false;
                    }
                    break;
                default:
                    error = new CommandLineError($"unknown option '{name}' for simulate");
                    return false;
            }
            if (!given.TryAdd(name, value))
            {
                error = new CommandLineError($"option {name} given more than once");
                return false;
            }
        }

        if (scenario is null)
        {
            error = new CommandLineError($"simulate needs a scenario: agentdb simulate <scenario> (known: {ScenarioCatalog.Names()})");
            return false;
        }
        if (!ScenarioCatalog.TryGet(scenario, out var known))
        {
            error = new CommandLineError($"unknown scenario '{scenario}' (known: {ScenarioCatalog.Names()})");
            return false;
        }

        var options = new SimulationOptions();
        if (!TryInt(given, "--swarm-size", 1, MaxSwarmSize, out int? swarmSize, out error)
            || !TryInt(given, "--iterations", 1, MaxIterations, out int? iterations, out error)
            || !TryInt(given, "--parallel", 1, MaxParallel, out int? parallel, out error)
            || !TryInt(given, "--seed", int.MinValue, int.MaxValue, out int? seed, out error)
            || !TryInt(given, "--dimension", 2, MaxDimension, out int? dimension, out error))
        {
            return false;
        }
        options = options with
        {
            SwarmSize = swarmSize,
            Iterations = iterations ?? known.DefaultIterations,
            Parallel = parallel ?? options.Parallel,
            Seed = seed ?? options.Seed,
            Optimize = given.ContainsKey("--optimize"),
        };

        string? server = given.GetValueOrDefault("--server");
        string? host = null;
        int port = 0;
        if (server is not null)
        {
            if (given.ContainsKey("--embedded"))
            {
                error = new CommandLineError("--embedded and --server exclude each other");
                return false;
            }
            if (given.ContainsKey("--data"))
            {
                error = new CommandLineError("--data names an embedded memory's directory; with --server the server's data is used");
                return false;
            }
            if (given.ContainsKey("--dimension"))
            {
                error = new CommandLineError("--dimension applies to the embedded memory; a server's dimension is its embedder's");
                return false;
            }
            if (!TryParseEndpoint(server, out host, out port, out string? problem))
            {
                error = new CommandLineError($"invalid --server '{server}': {problem}");
                return false;
            }
        }
        else if (given.ContainsKey("--api-key"))
        {
            error = new CommandLineError("--api-key needs --server");
            return false;
        }

        foreach (var pathOption in (ReadOnlySpan<string>)["--data", "--report"])
        {
            if (given.GetValueOrDefault(pathOption) is { } path && path.AsSpan().IndexOfAny(Path.GetInvalidPathChars()) >= 0)
            {
                error = new CommandLineError($"invalid {pathOption} '{path}': contains a character not allowed in a path");
                return false;
            }
        }

        command = new ParsedCommand(CommandKind.Simulate, Simulation: new SimulationRunSettings
        {
            Scenario = scenario,
            Options = options,
            DataDirectory = given.GetValueOrDefault("--data"),
            ServerHost = host,
            ServerPort = port,
            ApiKey = given.GetValueOrDefault("--api-key"),
            ReportPath = given.GetValueOrDefault("--report"),
            Dimension = dimension ?? SimulationRunSettings.DefaultDimension,
        });
        error = null;
        return true;
    }

    /// <summary>"host:port" or "[v6-address]:port".</summary>
    internal static bool TryParseEndpoint(string value, [NotNullWhen(true)] out string? host, out int port, [NotNullWhen(false)] out string? problem)
    {
        host = null;
        port = 0;
        int colon = value.LastIndexOf(':');
        if (colon <= 0 || colon == value.Length - 1)
        {
            problem = "expected HOST:PORT";
            return false;
        }
        string hostPart = value[..colon];
        if (hostPart.StartsWith('[') && hostPart.EndsWith(']'))
        {
            hostPart = hostPart[1..^1];
        }
        if (Uri.CheckHostName(hostPart) == UriHostNameType.Unknown)
        {
            problem = $"'{hostPart}' is not an IP address or host name";
            return false;
        }
        if (!int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65_535)
        {
            problem = "the port must be a number from 1 to 65535";
            port = 0;
            return false;
        }
        host = hostPart;
        problem = null;
        return true;
    }

    private static bool TryInt(
        Dictionary<string, string?> given, string option, int min, int max, out int? value, [NotNullWhen(false)] out CommandLineError? error)
    {
        value = null;
        error = null;
        if (given.GetValueOrDefault(option) is not { } text)
        {
            return true;
        }
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long number))
        {
            error = new CommandLineError($"invalid {option} '{text}': not a whole number");
            return false;
        }
        if (number < min || number > max)
        {
            error = new CommandLineError(string.Create(CultureInfo.InvariantCulture, $"invalid {option} '{text}': must be from {min} to {max}"));
            return false;
        }
        value = (int)number;
        return true;
    }
}
