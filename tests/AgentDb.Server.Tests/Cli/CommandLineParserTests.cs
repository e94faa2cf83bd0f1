using AgentDb.Server.Cli;
using AgentDb.Server.Hosting;

namespace AgentDb.Server.Tests.Cli;

public sealed class CommandLineParserTests
{
    private static readonly Func<string, string?> s_noEnvironment = _ => null;

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return name => map.GetValueOrDefault(name);
    }

    private static ServerOptions ParseServe(Func<string, string?> environment, params string[] args)
    {
        Assert.True(CommandLineParser.TryParse(args, environment, out var command, out var error), error?.Message);
        Assert.Equal(CommandKind.Serve, command.Kind);
        Assert.NotNull(command.Options);
        return command.Options;
    }

    private static CommandLineError ParseError(Func<string, string?> environment, params string[] args)
    {
        Assert.False(CommandLineParser.TryParse(args, environment, out var command, out var error));
        Assert.Null(command);
        return error;
    }

    [Fact]
    public void Serve_ReplicaOf_FromOptionOrEnvironment_AndTheReplicationKeyFromTheEnvironment()
    {
        Assert.Equal("db-1:4433", ParseServe(s_noEnvironment, "serve", "--replica-of", "db-1:4433").ReplicaOf);
        var options = ParseServe(Environment(("AGENTDB_REPLICA_OF", "db-2:1"), ("AGENTDB_REPLICATION_KEY", "0123456789abcdef")), "serve");
        Assert.Equal("db-2:1", options.ReplicaOf);
        Assert.Equal("0123456789abcdef", options.ReplicationKey);
        Assert.Equal("db-1:9", ParseServe(Environment(("AGENTDB_REPLICA_OF", "db-2:1")), "serve", "--replica-of=db-1:9").ReplicaOf);
        Assert.Null(ParseServe(s_noEnvironment, "serve").ReplicaOf);
        Assert.Contains("is not host:port", ParseError(s_noEnvironment, "serve", "--replica-of", "db-1").Message);
        Assert.Contains("AGENTDB_REPLICATION_KEY", ParseError(Environment(("AGENTDB_REPLICATION_KEY", "short")), "serve").Message);
    }

    [Fact]
    public void BenchAnn_PassesEverythingAfterItToTheBenchmark()
    {
        Assert.True(CommandLineParser.TryParse(["bench", "ann", "--generate", "10,2,4,1", "--k", "5"], s_noEnvironment, out var command, out var error), error?.Message);
        Assert.Equal(CommandKind.BenchAnn, command.Kind);
        Assert.Equal(["--generate", "10,2,4,1", "--k", "5"], command.Arguments!);
    }

    [Fact]
    public void BenchServer_PassesEverythingAfterItToTheBenchmark()
    {
        Assert.True(CommandLineParser.TryParse(["bench", "server", "--connections", "50"], s_noEnvironment, out var command, out var error), error?.Message);
        Assert.Equal(CommandKind.BenchServer, command.Kind);
        Assert.Equal(["--connections", "50"], command.Arguments!);
    }

    [Theory]
    [InlineData("bench")]
    [InlineData("bench", "disk")]
    public void Bench_WithoutAKnownBenchmark_IsAnError(params string[] args)
    {
        Assert.Contains("ann", ParseError(s_noEnvironment, args).Message);
    }

    [Fact]
    public void Kernels_TakesNoArguments()
    {
        Assert.True(CommandLineParser.TryParse(["kernels"], s_noEnvironment, out var command, out _));
        Assert.Equal(CommandKind.Kernels, command.Kind);
        Assert.Contains("unexpected argument", ParseError(s_noEnvironment, "kernels", "--fast").Message);
    }

    [Fact]
    public void Serve_WithNothingSet_UsesDefaults()
    {
        var options = ParseServe(s_noEnvironment, "serve");

        Assert.Equal(new ServerOptions("./data", "127.0.0.1", 4433, null), options);
        Assert.Equal(ServerOptions.Default, options);
    }

    [Fact]
    public void Serve_EnvironmentOverridesDefaults()
    {
        var environment = Environment(
            (EnvironmentVariables.Data, "/var/lib/agentdb"),
            (EnvironmentVariables.Host, "0.0.0.0"),
            (EnvironmentVariables.Port, "5000"));

        var options = ParseServe(environment, "serve");

        Assert.Equal(new ServerOptions("/var/lib/agentdb", "0.0.0.0", 5000, null), options);
    }

    [Fact]
    public void Serve_CommandLineOverridesEnvironment()
    {
        var environment = Environment(
            (EnvironmentVariables.Data, "/from/env"),
            (EnvironmentVariables.Host, "10.0.0.1"),
            (EnvironmentVariables.Port, "5000"));

        var options = ParseServe(environment, "serve", "--data", "/from/cli", "--host", "::1", "--port", "6000");

        Assert.Equal(new ServerOptions("/from/cli", "::1", 6000, null), options);
    }

    [Fact]
    public void Serve_OptionsOverrideOnlyWhatTheyName()
    {
        var environment = Environment((EnvironmentVariables.Data, "/from/env"), (EnvironmentVariables.Port, "5000"));

        var options = ParseServe(environment, "serve", "--port", "6000");

        Assert.Equal(new ServerOptions("/from/env", "127.0.0.1", 6000, null), options);
    }

    [Fact]
    public void Serve_EmptyEnvironmentVariable_CountsAsUnset()
    {
        var environment = Environment(
            (EnvironmentVariables.Data, ""), (EnvironmentVariables.Host, ""), (EnvironmentVariables.Port, ""));

        Assert.Equal(ServerOptions.Default, ParseServe(environment, "serve"));
    }

    [Fact]
    public void Serve_InvalidEnvironmentValue_IsNotCheckedWhenTheOptionOverridesIt()
    {
        var environment = Environment((EnvironmentVariables.Port, "not-a-port"));

        Assert.Equal(7000, ParseServe(environment, "serve", "--port", "7000").Port);
    }

    [Fact]
    public void Serve_AcceptsNameEqualsValueForm()
    {
        var options = ParseServe(s_noEnvironment, "serve", "--data=/d", "--host=localhost", "--port=1");

        Assert.Equal(new ServerOptions("/d", "localhost", 1, null), options);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("65535")]
    [InlineData("+80")]
    [InlineData("0080")]
    public void Serve_AcceptsPortsInRange(string port)
    {
        Assert.Equal(int.Parse(port, System.Globalization.CultureInfo.InvariantCulture),
            ParseServe(s_noEnvironment, "serve", "--port", port).Port);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("db-1.example.com")]
    [InlineData("0.0.0.0")]
    [InlineData("192.168.1.20")]
    [InlineData("::")]
    [InlineData("[::1]")]
    [InlineData("fe80::1")]
    public void Serve_AcceptsIpLiteralsAndHostNames(string host)
    {
        Assert.Equal(host, ParseServe(s_noEnvironment, "serve", "--host", host).Host);
    }

    [Fact]
    public void Serve_HttpPortAndApiKeys_ComeFromOptionsAndEnvironment()
    {
        var environment = Environment(
            (EnvironmentVariables.HttpPort, "9000"),
            (EnvironmentVariables.ApiKeys, " ingest:write:0123456789abcdef , ops:admin:fedcba9876543210:with:colons "));

        var fromEnvironment = ParseServe(environment, "serve");
        var fromOption = ParseServe(environment, "serve", "--http-port", "0");

        Assert.Equal(9000, fromEnvironment.HttpPort);
        Assert.Equal(0, fromOption.HttpPort);
        Assert.Equal(ServerOptions.DefaultHttpPort, ParseServe(s_noEnvironment, "serve").HttpPort);
        Assert.Equal(
            [
                new AgentDb.Server.Network.Auth.ApiKey("ingest", "0123456789abcdef", AgentDb.Wire.Messages.AccessRole.Write),
                new AgentDb.Server.Network.Auth.ApiKey("ops", "fedcba9876543210:with:colons", AgentDb.Wire.Messages.AccessRole.Admin),
            ],
            fromEnvironment.EnvironmentApiKeys);
    }

    [Fact]
    public void Serve_BadApiKeysVariable_NeverEchoesTheSecrets()
    {
        var error = ParseError(Environment((EnvironmentVariables.ApiKeys, "a:read:sekrit-short")), "serve");

        Assert.DoesNotContain("sekrit", error.Message);
    }

    [Fact]
    public void Serve_DataValueMayStartWithASingleDash()
    {
        Assert.Equal("-odd-name", ParseServe(s_noEnvironment, "serve", "--data", "-odd-name").DataDirectory);
    }

    [Fact]
    public void Serve_ExistingConfigFile_IsKept()
    {
        using var directory = new TempDirectory();
        var config = Path.Combine(directory.Path, "agentdb.conf");
        File.WriteAllText(config, "");

        Assert.Equal(config, ParseServe(s_noEnvironment, "serve", "--config", config).ConfigFile);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    [InlineData("help", "serve")]
    [InlineData("serve", "--help")]
    [InlineData("serve", "--port", "1", "-h")]
    public void Help_IsRecognised(params string[] args)
    {
        Assert.True(CommandLineParser.TryParse(args, s_noEnvironment, out var command, out _));
        Assert.Equal(CommandKind.Help, command.Kind);
    }

    [Fact]
    public void Version_IsRecognised()
    {
        Assert.True(CommandLineParser.TryParse(["--version"], s_noEnvironment, out var command, out _));
        Assert.Equal(CommandKind.Version, command.Kind);
    }

    [Fact]
    public void Serve_TlsOptions_OverrideTheEnvironment_AndThePasswordComesFromTheEnvironmentOnly()
    {
        var environment = Environment(
            (EnvironmentVariables.TlsCertificate, "env.pfx"), (EnvironmentVariables.TlsPassword, "secret"));

        var fromEnvironment = ParseServe(environment, "serve");
        var fromOptions = ParseServe(environment, "serve", "--tls-cert", "server.crt", "--tls-key=server.key");

        Assert.Equal(("env.pfx", (string?)null, "secret"), (fromEnvironment.TlsCertificateFile, fromEnvironment.TlsKeyFile, fromEnvironment.TlsPassword));
        Assert.Equal(("server.crt", "server.key", "secret"), (fromOptions.TlsCertificateFile, fromOptions.TlsKeyFile, fromOptions.TlsPassword));
        Assert.Null(ParseServe(s_noEnvironment, "serve").TlsCertificateFile);
    }

    public static TheoryData<string[], string> InvalidCommandLines => new()
    {
        // unknown options
        { ["serve", "--bogus"], "unknown option '--bogus' for serve" },
        { ["serve", "--bogus=1"], "unknown option '--bogus' for serve" },
        { ["serve", "-p", "1"], "unknown option '-p' for serve" },
        { ["--port", "1", "serve"], "option --port must follow the subcommand" },
        // missing values
        { ["serve", "--port"], "option --port needs a value" },
        { ["serve", "--data"], "option --data needs a value" },
        { ["serve", "--host"], "option --host needs a value" },
        { ["serve", "--config"], "option --config needs a value" },
        { ["serve", "--port", "--host", "x"], "option --port needs a value" },
        { ["serve", "--port="], "option --port needs a value" },
        // port out of range
        { ["serve", "--port", "65536"], "invalid port '65536' from --port: must be between 0 and 65535" },
        { ["serve", "--port", "-1"], "invalid port '-1' from --port: must be between 0 and 65535" },
        { ["serve", "--port", "99999999999999999999999"], "invalid port '99999999999999999999999' from --port: must be between 0 and 65535" },
        { ["serve", "--http-port", "65536"], "invalid HTTP port '65536' from --http-port: must be between 0 and 65535" },
        { ["serve", "--port", "5000", "--http-port", "5000"], "the protocol port and the HTTP port are both 5000" },
        { ["serve", "--port", "8080"], "the protocol port and the HTTP port are both 8080" },
        // port not a number
        { ["serve", "--port", "abc"], "invalid port 'abc' from --port: not a number" },
        { ["serve", "--port", "12x"], "invalid port '12x' from --port: not a number" },
        { ["serve", "--port", "1.5"], "invalid port '1.5' from --port: not a number" },
        { ["serve", "--port", " 80"], "invalid port ' 80' from --port: not a number" },
        { ["serve", "--port", ""], "invalid port '' from --port: not a number" },
        { ["serve", "--port", "-"], "invalid port '-' from --port: not a number" },
        // host and data
        { ["serve", "--host", "4433"], "invalid host '4433' from --host: not an IP address or host name" },
        { ["serve", "--host", "1.2.3"], "invalid host '1.2.3' from --host: not an IP address or host name" },
        { ["serve", "--host", "bad host"], "invalid host 'bad host' from --host: not an IP address or host name" },
        { ["serve", "--host", ""], "invalid host '' from --host: not an IP address or host name" },
        { ["serve", "--data", ""], "invalid data directory '' from --data: must not be empty" },
        { ["serve", "--data", "a\0b"], "invalid data directory 'a\0b' from --data: contains a character not allowed in a path" },
        { ["serve", "--config", "/no/such/agentdb.conf"], "invalid config file '/no/such/agentdb.conf' from --config: no such file" },
        { ["serve", "--tls-key", "server.key"], "--tls-key needs --tls-cert (or AGENTDB_TLS_CERT)" },
        { ["serve", "--tls-cert"], "option --tls-cert needs a value" },
        { ["serve", "--tls-cert", "a\0b"], "invalid TLS certificate 'a\0b' from --tls-cert: contains a character not allowed in a path" },
        // shape
        { ["serve", "--port", "1", "--port", "2"], "option --port given more than once" },
        { ["serve", "--data=a", "--data", "b"], "option --data given more than once" },
        { ["serve", "extra"], "unexpected argument 'extra' for serve" },
        { ["--version", "extra"], "unexpected argument 'extra' after --version" },
    };

    [Theory]
    [MemberData(nameof(InvalidCommandLines))]
    public void InvalidArguments_AreRejectedWithAClearMessage(string[] args, string expectedMessage)
    {
        var error = ParseError(s_noEnvironment, args);

        Assert.StartsWith(expectedMessage, error.Message, StringComparison.Ordinal);
        Assert.False(error.ShowUsage);
    }

    [Theory]
    [InlineData(EnvironmentVariables.Port, "abc", "invalid port 'abc' from AGENTDB_PORT: not a number")]
    [InlineData(EnvironmentVariables.Port, "70000", "invalid port '70000' from AGENTDB_PORT: must be between 0 and 65535")]
    [InlineData(EnvironmentVariables.Host, "no spaces", "invalid host 'no spaces' from AGENTDB_HOST: not an IP address or host name")]
    [InlineData(EnvironmentVariables.HttpPort, "x", "invalid HTTP port 'x' from AGENTDB_HTTP_PORT: not a number")]
    [InlineData(EnvironmentVariables.ApiKeys, "ingest:write", "invalid AGENTDB_API_KEYS: entry 1 is not name:role:key")]
    [InlineData(EnvironmentVariables.ApiKeys, "ingest:owner:0123456789abcdef", "invalid AGENTDB_API_KEYS: entry 1: role 'owner' is not read, write, admin or replication")]
    [InlineData(EnvironmentVariables.ApiKeys, "a:read:0123456789abcdef,b:read:short", "invalid AGENTDB_API_KEYS: entry 2: key must be at least 16 characters")]
    [InlineData(EnvironmentVariables.ApiKeys, "bad name:read:0123456789abcdef", "invalid AGENTDB_API_KEYS: entry 1: name may only contain letters, digits, '.', '_' and '-'")]
    public void InvalidEnvironmentVariables_AreRejectedNamingTheVariable(string name, string value, string expectedMessage)
    {
        var error = ParseError(Environment((name, value)), "serve");

        Assert.Equal(expectedMessage, error.Message);
    }

    [Theory]
    [InlineData(new string[0], "no command given")]
    [InlineData(new[] { "frob" }, "unknown command 'frob'")]
    [InlineData(new[] { "Serve" }, "unknown command 'Serve'")]
    [InlineData(new[] { "--bogus" }, "unknown option '--bogus'")]
    public void UnknownCommands_AreRejectedWithUsage(string[] args, string expectedMessage)
    {
        var error = ParseError(s_noEnvironment, args);

        Assert.Equal(expectedMessage, error.Message);
        Assert.True(error.ShowUsage);
    }
}
