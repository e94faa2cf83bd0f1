using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using AgentDb.Server.Hosting;
using AgentDb.Server.Network.Auth;

namespace AgentDb.Server.Cli;

/// <summary>
/// Parses and validates the <c>agentdb</c> command line. Precedence for serve settings: command-line option, then
/// <c>AGENTDB_*</c> environment variable (empty counts as unset), then the default. Never throws on bad input.
/// </summary>
internal static class CommandLineParser
{
    private const string DataOption = "--data";
    private const string HostOption = "--host";
    private const string PortOption = "--port";
    private const string ConfigOption = "--config";
    private const string HttpPortOption = "--http-port";
    private const string EmbedderOption = "--embedder";
    private const string ReplicaOfOption = "--replica-of";
    private const string ClusterNodeOption = "--cluster-node";
    private const string ClusterPeersOption = "--cluster-peers";
    private const string ClusterAdvertiseOption = "--cluster-advertise";
    private const string TlsCertOption = "--tls-cert";
    private const string TlsKeyOption = "--tls-key";

    /// <summary>Parses <paramref name="args"/>; on failure <paramref name="error"/> says why.</summary>
    /// <param name="args">The arguments after the program name.</param>
    /// <param name="getEnvironmentVariable">Reads an environment variable; returns null when unset.</param>
    /// <param name="command">The parsed command when this returns true.</param>
    /// <param name="error">The reason when this returns false.</param>
    public static bool TryParse(
        IReadOnlyList<string> args,
        Func<string, string?> getEnvironmentVariable,
        [NotNullWhen(true)] out ParsedCommand? command,
        [NotNullWhen(false)] out CommandLineError? error)
    {
        command = null;
        if (args.Count == 0)
        {
            error = new CommandLineError("no command given", ShowUsage: true);
            return false;
        }

        var first = args[0];
        switch (first)
        {
            case "--help" or "-h" or "help":
                // Anything after a help request is ignored: help never fails.
                command = new ParsedCommand(CommandKind.Help);
                error = null;
                return true;
            case "--version":
                if (args.Count > 1)
                {
                    error = new CommandLineError($"unexpected argument '{args[1]}' after --version");
                    return false;
                }
                command = new ParsedCommand(CommandKind.Version);
                error = null;
                return true;
            case "serve":
                return TryParseServe(args, getEnvironmentVariable, out command, out error);
            case "bench":
                if (args.Count < 2 || args[1] is not ("ann" or "server"))
                {
                    error = new CommandLineError(
                        args.Count < 2 ? "bench needs a benchmark name: agentdb bench ann|server ..." : $"unknown benchmark '{args[1]}' (known: ann, server)");
                    return false;
                }
                var rest = new string[args.Count - 2];
                for (var i = 2; i < args.Count; i++)
                {
                    rest[i - 2] = args[i];
                }
                command = new ParsedCommand(args[1] == "ann" ? CommandKind.BenchAnn : CommandKind.BenchServer, Arguments: rest);
                error = null;
                return true;
            case "simulate":
                return SimulateCommandLine.TryParse(Rest(args, 1), out command, out error);
            case "kernels":
                if (args.Count > 1)
                {
                    error = new CommandLineError($"unexpected argument '{args[1]}' for kernels");
                    return false;
                }
                command = new ParsedCommand(CommandKind.Kernels);
                error = null;
                return true;
            case "stress" or "size":
                // Both parse (and validate) their own options: see StressCommand and SizeCommand.
                var toolArguments = new string[args.Count - 1];
                for (var i = 1; i < args.Count; i++)
                {
                    toolArguments[i - 1] = args[i];
                }
                command = new ParsedCommand(first == "stress" ? CommandKind.Stress : CommandKind.Size, Arguments: toolArguments);
                error = null;
                return true;
        }

        if (first.StartsWith('-'))
        {
            var name = OptionName(first);
            error = IsServeOption(name)
                ? new CommandLineError($"option {name} must follow the subcommand: agentdb serve {name} ...")
                : new CommandLineError($"unknown option '{first}'", ShowUsage: true);
            return false;
        }

        error = new CommandLineError($"unknown command '{first}'", ShowUsage: true);
        return false;
    }

    private static bool TryParseServe(
        IReadOnlyList<string> args,
        Func<string, string?> getEnvironmentVariable,
        [NotNullWhen(true)] out ParsedCommand? command,
        [NotNullWhen(false)] out CommandLineError? error)
    {
        command = null;
        var given = new Dictionary<string, string>(StringComparer.Ordinal);

        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h")
            {
                command = new ParsedCommand(CommandKind.Help);
                error = null;
                return true;
            }
            if (!arg.StartsWith('-'))
            {
                error = new CommandLineError($"unexpected argument '{arg}' for serve");
                return false;
            }

            var name = OptionName(arg);
            if (!IsServeOption(name))
            {
                error = new CommandLineError($"unknown option '{name}' for serve");
                return false;
            }

            string value;
            if (name.Length < arg.Length)
            {
                value = arg[(name.Length + 1)..];
                if (value.Length == 0)
                {
                    error = new CommandLineError($"option {name} needs a value");
                    return false;
                }
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

            if (!given.TryAdd(name, value))
            {
                error = new CommandLineError($"option {name} given more than once");
                return false;
            }
        }

        var config = given.GetValueOrDefault(ConfigOption);
        if (!TryResolveDataDirectory(given.GetValueOrDefault(DataOption), getEnvironmentVariable, out var dataDirectory, out error)
            || !TryResolveHost(given.GetValueOrDefault(HostOption), getEnvironmentVariable, out var host, out error)
            || !TryResolvePort(given.GetValueOrDefault(PortOption), PortOption, EnvironmentVariables.Port,
                ServerOptions.DefaultPort, getEnvironmentVariable, out var port, out error)
            || !TryResolvePort(given.GetValueOrDefault(HttpPortOption), HttpPortOption, EnvironmentVariables.HttpPort,
                ServerOptions.DefaultHttpPort, getEnvironmentVariable, out var httpPort, out error)
            || !TryValidateConfigFile(config, out error)
            || !TryResolveApiKeys(getEnvironmentVariable, out var apiKeys, out error)
            || !TryResolveFile(given.GetValueOrDefault(TlsCertOption), TlsCertOption, EnvironmentVariables.TlsCertificate,
                "TLS certificate", getEnvironmentVariable, out var tlsCertificate, out error)
            || !TryResolveFile(given.GetValueOrDefault(TlsKeyOption), TlsKeyOption, EnvironmentVariables.TlsKey,
                "TLS key", getEnvironmentVariable, out var tlsKey, out error)
            || !TryResolveEmbedder(given.GetValueOrDefault(EmbedderOption), getEnvironmentVariable, out var embedder, out error))
        {
            return false;
        }
        var replicaOf = given.GetValueOrDefault(ReplicaOfOption) ?? NonEmpty(getEnvironmentVariable(EnvironmentVariables.ReplicaOf));
        if (replicaOf is not null && Replication.ReplicationSettings.CheckAddress(replicaOf) is { } badPrimary)
        {
            error = new CommandLineError($"{ReplicaOfOption}: {badPrimary}");
            return false;
        }
        if (!TryResolveCluster(given, getEnvironmentVariable, host, port, replicaOf, out var cluster, out error))
        {
            return false;
        }
        var replicationKey = NonEmpty(getEnvironmentVariable(EnvironmentVariables.ReplicationKey));
        if (replicationKey is not null && ApiKey.CheckSecret(replicationKey) is { } badKey)
        {
            error = new CommandLineError($"{EnvironmentVariables.ReplicationKey}: the key {badKey}");
            return false;
        }
        if (tlsKey is not null && tlsCertificate is null)
        {
            error = new CommandLineError($"{TlsKeyOption} needs {TlsCertOption} (or {EnvironmentVariables.TlsCertificate})");
            return false;
        }
        if (port != 0 && port == httpPort)
        {
            error = new CommandLineError($"the protocol port and the HTTP port are both {port}: they must differ");
            return false;
        }

        command = new ParsedCommand(CommandKind.Serve, new ServerOptions(dataDirectory, host, port, config)
        {
            HttpPort = httpPort,
            EnvironmentApiKeys = apiKeys,
            Embedder = embedder,
            ReplicaOf = replicaOf,
            Cluster = cluster,
            ReplicationKey = replicationKey,
            TlsCertificateFile = tlsCertificate,
            TlsKeyFile = tlsKey,
            TlsPassword = getEnvironmentVariable(EnvironmentVariables.TlsPassword) is { Length: > 0 } password ? password : null,
        });
        return true;
    }

    /// <summary>The failover cluster options: <c>--cluster-node</c> and <c>--cluster-peers</c> together (or their
    /// environment variables), <c>--cluster-advertise</c> defaulting to <c>--host:--port</c>.</summary>
    private static bool TryResolveCluster(
        Dictionary<string, string> given, Func<string, string?> getEnvironmentVariable, string host, int port, string? replicaOf,
        out Failover.ClusterOptions? cluster, [NotNullWhen(false)] out CommandLineError? error)
    {
        cluster = null;
        error = null;
        var node = given.GetValueOrDefault(ClusterNodeOption) ?? NonEmpty(getEnvironmentVariable(EnvironmentVariables.ClusterNode));
        var peers = given.GetValueOrDefault(ClusterPeersOption) ?? NonEmpty(getEnvironmentVariable(EnvironmentVariables.ClusterPeers));
        var advertise = given.GetValueOrDefault(ClusterAdvertiseOption) ?? NonEmpty(getEnvironmentVariable(EnvironmentVariables.ClusterAdvertise));
        if (node is null && peers is null)
        {
            if (advertise is not null)
            {
                error = new CommandLineError($"{ClusterAdvertiseOption} needs {ClusterNodeOption} and {ClusterPeersOption}");
                return false;
            }
            return true;
        }
        if (node is null || peers is null)
        {
            error = new CommandLineError($"{ClusterNodeOption} and {ClusterPeersOption} go together (or {EnvironmentVariables.ClusterNode} and {EnvironmentVariables.ClusterPeers})");
            return false;
        }
        if (replicaOf is not null)
        {
            error = new CommandLineError($"{ClusterNodeOption} and {ReplicaOfOption} exclude each other: a cluster member follows whichever member is elected primary");
            return false;
        }
        if (advertise is null)
        {
            if (port == 0 || host is "0.0.0.0" or "::" or "[::]")
            {
                error = new CommandLineError($"a cluster member listening on {host}:{port} needs {ClusterAdvertiseOption} HOST:PORT (the address the others reach its protocol port at)");
                return false;
            }
            advertise = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";
        }
        var list = new List<string>();
        foreach (var peer in peers.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            list.Add(peer);
        }
        cluster = new Failover.ClusterOptions { Node = node, Peers = list, Advertise = advertise };
        if (cluster.Validate() is { } problem)
        {
            error = new CommandLineError($"{ClusterNodeOption}/{ClusterPeersOption}/{ClusterAdvertiseOption}: {problem}");
            cluster = null;
            return false;
        }
        return true;
    }

    private static bool TryResolveDataDirectory(
        string? fromCommandLine,
        Func<string, string?> getEnvironmentVariable,
        out string dataDirectory,
        [NotNullWhen(false)] out CommandLineError? error)
    {
        var (value, source) = Pick(fromCommandLine, DataOption, EnvironmentVariables.Data, getEnvironmentVariable);
        dataDirectory = value ?? ServerOptions.DefaultDataDirectory;
        error = value is null ? null : CheckPath(value, "data directory", source);
        return error is null;
    }

    private static bool TryResolveHost(
        string? fromCommandLine,
        Func<string, string?> getEnvironmentVariable,
        out string host,
        [NotNullWhen(false)] out CommandLineError? error)
    {
        var (value, source) = Pick(fromCommandLine, HostOption, EnvironmentVariables.Host, getEnvironmentVariable);
        host = value ?? ServerOptions.DefaultHost;
        error = value is null || IsValidHost(value)
            ? null
            : Invalid("host", value, source, "not an IP address or host name");
        return error is null;
    }

    /// <summary>A port, 0–65535; 0 asks the OS for any free port.</summary>
    private static bool TryResolvePort(
        string? fromCommandLine,
        string option,
        string variable,
        int defaultPort,
        Func<string, string?> getEnvironmentVariable,
        out int port,
        [NotNullWhen(false)] out CommandLineError? error)
    {
        var (value, source) = Pick(fromCommandLine, option, variable, getEnvironmentVariable);
        var what = option == PortOption ? "port" : "HTTP port";
        port = defaultPort;
        error = null;
        if (value is null)
        {
            return true;
        }

        if (!IsInteger(value))
        {
            error = Invalid(what, value, source, "not a number");
            return false;
        }
        // Digits that overflow a long are out of range too, not "not a number".
        if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            || number is < IPEndPoint.MinPort or > IPEndPoint.MaxPort)
        {
            error = Invalid(what, value, source, $"must be between {IPEndPoint.MinPort} and {IPEndPoint.MaxPort}");
            return false;
        }
        port = (int)number;
        return true;
    }

    private static bool TryResolveApiKeys(
        Func<string, string?> getEnvironmentVariable,
        out IReadOnlyList<ApiKey> keys,
        [NotNullWhen(false)] out CommandLineError? error)
    {
        keys = [];
        error = null;
        var value = getEnvironmentVariable(EnvironmentVariables.ApiKeys);
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }
        if (!ApiKeyListParser.TryParse(value, out var parsed, out var problem))
        {
            // Never echo the value: it holds secrets.
            error = new CommandLineError($"invalid {EnvironmentVariables.ApiKeys}: {problem}");
            return false;
        }
        keys = parsed;
        return true;
    }

    /// <summary>The agent memory's embedder; null when neither the option nor the variable names one (the config file's
    /// or the default then applies). An ONNX model's files must exist.</summary>
    private static bool TryResolveEmbedder(
        string? fromCommandLine,
        Func<string, string?> getEnvironmentVariable,
        out EmbedderSpec? embedder,
        [NotNullWhen(false)] out CommandLineError? error)
    {
        var (value, source) = Pick(fromCommandLine, EmbedderOption, EnvironmentVariables.Embedder, getEnvironmentVariable);
        embedder = null;
        error = null;
        if (value is null)
        {
            return true;
        }
        if (!EmbedderSpec.TryParse(value, out embedder, out var problem))
        {
            error = Invalid("embedder", value, source, problem);
            return false;
        }
        if (embedder.Kind == EmbedderKind.Onnx)
        {
            var missing = !File.Exists(embedder.ModelPath) ? embedder.ModelPath : !File.Exists(embedder.VocabularyPath) ? embedder.VocabularyPath : null;
            if (missing is not null)
            {
                error = Invalid("embedder", value, source, $"no such file {missing}");
                embedder = null;
                return false;
            }
        }
        return true;
    }

    /// <summary>An optional file path from an option or variable; checked for shape here, for existence by serve
    /// (which reports a missing or unreadable certificate with exit code 2 too).</summary>
    private static bool TryResolveFile(
        string? fromCommandLine,
        string option,
        string variable,
        string what,
        Func<string, string?> getEnvironmentVariable,
        out string? path,
        [NotNullWhen(false)] out CommandLineError? error)
    {
        var (value, source) = Pick(fromCommandLine, option, variable, getEnvironmentVariable);
        path = value;
        error = value is null ? null : CheckPath(value, what, source);
        return error is null;
    }

    private static bool TryValidateConfigFile(string? config, [NotNullWhen(false)] out CommandLineError? error)
    {
        error = config is null ? null : CheckPath(config, "config file", ConfigOption);
        if (error is null && config is not null && !File.Exists(config))
        {
            error = Invalid("config file", config, ConfigOption, "no such file");
        }
        return error is null;
    }

    /// <summary>The command-line value if given, else the environment variable if set and non-empty, else null.</summary>
    private static (string? Value, string Source) Pick(
        string? fromCommandLine,
        string option,
        string variable,
        Func<string, string?> getEnvironmentVariable)
    {
        if (fromCommandLine is not null)
        {
            return (fromCommandLine, option);
        }
        var fromEnvironment = getEnvironmentVariable(variable);
        return string.IsNullOrEmpty(fromEnvironment) ? (null, variable) : (fromEnvironment, variable);
    }

    private static CommandLineError? CheckPath(string value, string what, string source)
    {
        if (value.Length == 0)
        {
            return Invalid(what, value, source, "must not be empty");
        }
        return value.AsSpan().IndexOfAny(Path.GetInvalidPathChars()) >= 0
            ? Invalid(what, value, source, "contains a character not allowed in a path")
            : null;
    }

    private static CommandLineError Invalid(string what, string value, string source, string reason) =>
        new($"invalid {what} '{value}' from {source}: {reason}");

    /// <summary>An IPv6 literal, a dotted-quad IPv4 literal, or a DNS name (so "4433" and "1.2.3" are rejected).</summary>
    private static bool IsValidHost(string value) =>
        Uri.CheckHostName(value) switch
        {
            UriHostNameType.Dns or UriHostNameType.IPv6 => true,
            UriHostNameType.IPv4 => value.AsSpan().Count('.') == 3 && IPAddress.TryParse(value, out _),
            _ => false,
        };

    private static bool IsInteger(string value)
    {
        var digits = value.AsSpan(value.StartsWith('-') || value.StartsWith('+') ? 1 : 0);
        return digits.Length > 0 && !digits.ContainsAnyExceptInRange('0', '9');
    }

    /// <summary>"--port=1" → "--port"; "--port" → "--port".</summary>
    private static string OptionName(string arg)
    {
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? arg : arg[..equals];
    }

    private static string[] Rest(IReadOnlyList<string> args, int from)
    {
        var rest = new string[args.Count - from];
        for (var i = from; i < args.Count; i++)
        {
            rest[i - from] = args[i];
        }
        return rest;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static bool IsServeOption(string name) =>
        name is DataOption or HostOption or PortOption or HttpPortOption or ConfigOption or TlsCertOption or TlsKeyOption
            or EmbedderOption
            or ReplicaOfOption or ClusterNodeOption or ClusterPeersOption or ClusterAdvertiseOption;
}
