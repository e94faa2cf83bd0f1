using AgentDb.Failover;
using AgentDb.Server.Cli;
using AgentDb.Server.Hosting;

namespace AgentDb.Server.Tests.Replication;

/// <summary>The failover cluster's options: <c>--cluster-node</c>/<c>--cluster-peers</c>/<c>--cluster-advertise</c>, their environment variables, the config file's <c>cluster</c> section, and their validation.</summary>
public sealed class ClusterOptionsTests
{
    private static readonly Func<string, string?> s_noEnvironment = _ => null;

    private static ServerOptions ParseServe(Func<string, string?> environment, params string[] args)
    {
        Assert.True(CommandLineParser.TryParse(args, environment, out var command, out var error), error?.Message);
        return command.Options!;
    }

    private static string ParseError(params string[] args)
    {
        Assert.False(CommandLineParser.TryParse(args, s_noEnvironment, out _, out var error));
        return error.Message;
    }

    [Fact]
    public void CommandLine_ClusterMember_AdvertisesHostAndPortByDefault()
    {
        var options = ParseServe(s_noEnvironment, "serve", "--port", "4433", "--cluster-node", "127.0.0.1:7001", "--cluster-peers", "127.0.0.1:7002, 127.0.0.1:7003");
        Assert.NotNull(options.Cluster);
        Assert.Equal("127.0.0.1:7001", options.Cluster.Node);
        Assert.Equal(["127.0.0.1:7002", "127.0.0.1:7003"], options.Cluster.Peers);
        Assert.Equal("127.0.0.1:4433", options.Cluster.Advertise);
        Assert.Null(ParseServe(s_noEnvironment, "serve").Cluster);
    }

    [Fact]
    public void Environment_ClusterMember_AndAnExplicitAdvertiseAddress()
    {
        var environment = new Dictionary<string, string>
        {
            ["AGENTDB_CLUSTER_NODE"] = "10.0.0.1:7001",
            ["AGENTDB_CLUSTER_PEERS"] = "10.0.0.2:7001,10.0.0.3:7001",
            ["AGENTDB_CLUSTER_ADVERTISE"] = "10.0.0.1:4433",
        };
        var options = ParseServe(name => environment.GetValueOrDefault(name), "serve", "--host", "0.0.0.0");
        Assert.Equal("10.0.0.1:4433", options.Cluster!.Advertise);
        Assert.Equal(2, options.Cluster.Peers.Count);
    }

    [Theory]
    [InlineData("go together", "serve", "--cluster-node", "127.0.0.1:7001")]
    [InlineData("go together", "serve", "--cluster-peers", "127.0.0.1:7002")]
    [InlineData("exclude each other", "serve", "--cluster-node", "127.0.0.1:7001", "--cluster-peers", "127.0.0.1:7002", "--replica-of", "db:4433")]
    [InlineData("--cluster-advertise", "serve", "--port", "0", "--cluster-node", "127.0.0.1:7001", "--cluster-peers", "127.0.0.1:7002")]
    [InlineData("--cluster-advertise", "serve", "--host", "0.0.0.0", "--cluster-node", "127.0.0.1:7001", "--cluster-peers", "127.0.0.1:7002")]
    [InlineData("listed twice or is this node", "serve", "--cluster-node", "127.0.0.1:7001", "--cluster-peers", "127.0.0.1:7001")]
    [InlineData("listed twice or is this node", "serve", "--cluster-node", "127.0.0.1:7001", "--cluster-peers", "127.0.0.1:7002,localhost:7002")]
    [InlineData("IP address or localhost", "serve", "--cluster-node", "db-1:7001", "--cluster-peers", "127.0.0.1:7002")]
    [InlineData("port between 1 and 65535", "serve", "--cluster-node", "127.0.0.1:0", "--cluster-peers", "127.0.0.1:7002")]
    [InlineData("not host:port", "serve", "--cluster-node", "127.0.0.1:7001", "--cluster-peers", "127.0.0.1")]
    [InlineData("needs --cluster-node", "serve", "--cluster-advertise", "127.0.0.1:4433")]
    public void CommandLine_InvalidCluster_IsRefusedWithTheReason(string reason, params string[] args) =>
        Assert.Contains(reason, ParseError(args), StringComparison.Ordinal);

    [Fact]
    public void ConfigFile_ClusterSection_IsReadAndValidated()
    {
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "config.json");
        File.WriteAllText(file, """
            { "cluster": { "node": "127.0.0.1:7001", "peers": ["127.0.0.1:7002", "127.0.0.1:7003"], "advertise": "127.0.0.1:4433",
                           "lowerElectionTimeoutMs": 200, "upperElectionTimeoutMs": 400 } }
            """);
        Assert.True(ServerConfigLoader.TryLoad(file, out var config, out var error), error);
        Assert.Equal(200, config.Cluster!.LowerElectionTimeoutMs);
        Assert.Equal(3, config.Cluster.Peers.Count + 1);

        File.WriteAllText(file, """{ "cluster": { "node": "127.0.0.1:7001", "peers": [], "advertise": "127.0.0.1:4433" } }""");
        Assert.False(ServerConfigLoader.TryLoad(file, out _, out error));
        Assert.Contains("at least one other member", error);

        File.WriteAllText(file, """{ "cluster": { "node": "127.0.0.1:7001", "peers": ["127.0.0.1:7002"] } }""");
        Assert.False(ServerConfigLoader.TryLoad(file, out _, out error));
        Assert.Contains("\"advertise\" are required", error);

        File.WriteAllText(file, """{ "cluster": { "node": "127.0.0.1:7001", "peers": ["127.0.0.1:7002"], "advertise": "127.0.0.1:1", "lowerElectionTimeoutMs": 300, "upperElectionTimeoutMs": 300 } }""");
        Assert.False(ServerConfigLoader.TryLoad(file, out _, out error));
        Assert.Contains("election timeout", error);

        File.WriteAllText(file, """{ "cluster": { "node": "127.0.0.1:7001", "peers": ["127.0.0.1:7002"], "advertise": "127.0.0.1:1" }, "replication": { "replicaOf": "db:1" } }""");
        Assert.False(ServerConfigLoader.TryLoad(file, out _, out error));
        Assert.Contains("exclude each other", error);
    }

    [Fact]
    public void LogPosition_LaterEpochWinsOverHigherLsn()
    {
        Assert.True(new LogPosition(3, 10) > new LogPosition(2, 500));
        Assert.True(new LogPosition(2, 11) > new LogPosition(2, 10));
        Assert.False(new LogPosition(2, 10) > new LogPosition(2, 10));
        Assert.True(new LogPosition(0, 0) < new LogPosition(0, 1));
    }
}
