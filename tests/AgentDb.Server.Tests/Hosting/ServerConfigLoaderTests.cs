using AgentDb.Server.Hosting;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Tests.Hosting;

public sealed class ServerConfigLoaderTests
{
    [Fact]
    public void FullConfig_IsRead()
    {
        const string json = """
            {
              "apiKeys": [
                { "name": "reader", "key": "r-0123456789abcdef", "role": "read" },
                { "name": "ops.admin", "key": "a-0123456789abcdef", "role": "admin" }
              ],
              "limits": {
                "maxConnections": 10, "maxInFlightPerConnection": 3, "maxFrameBytes": 4096,
                "idleTimeoutSeconds": 0, "shutdownTimeoutSeconds": 2
              }
            }
            """;

        Assert.True(ServerConfigLoader.TryParse(json, out var config, out var error), error);

        Assert.Equal(2, config.ApiKeys.Count);
        Assert.Equal(("ops.admin", "a-0123456789abcdef", AccessRole.Admin), (config.ApiKeys[1].Name, config.ApiKeys[1].Secret, config.ApiKeys[1].Role));
        Assert.Equal(10, config.Limits.MaxConnections);
        Assert.Equal(3, config.Limits.MaxInFlightPerConnection);
        Assert.Equal(4096, config.Limits.MaxFrameBytes);
        Assert.Equal(TimeSpan.Zero, config.Limits.IdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), config.Limits.ShutdownTimeout);
    }

    [Fact]
    public void EmptyObject_GivesTheDefaults()
    {
        Assert.True(ServerConfigLoader.TryParse("{}", out var config, out _));

        Assert.Empty(config.ApiKeys);
        Assert.Equal(AgentDb.Server.Network.ServerLimits.Default, config.Limits);
    }

    [Fact]
    public void Replication_IsRead()
    {
        Assert.True(ServerConfigLoader.TryParse("{ \"replication\": { \"replicaOf\": \"db-1:4433\", \"key\": \"0123456789abcdef\", \"replicaId\": \"r-1\", \"window\": 4, \"maxBatchBytes\": 65536, \"syncReplicas\": 2, \"syncTimeoutMs\": 750, \"minLsnWaitMs\": 0 } }", out var config, out var error), error);
        var replication = config.Replication;
        Assert.Equal("db-1:4433", replication.ReplicaOf);
        Assert.True(replication.IsReplica);
        Assert.Equal("0123456789abcdef", replication.Key);
        Assert.Equal("r-1", replication.ReplicaId);
        Assert.Equal(4, replication.Window);
        Assert.Equal(65536, replication.MaxBatchBytes);
        Assert.Equal(2, replication.SyncReplicas);
        Assert.Equal(TimeSpan.FromMilliseconds(750), replication.SyncTimeout);
        Assert.Equal(TimeSpan.Zero, replication.MinLsnWait);
        Assert.True(ServerConfigLoader.TryParse("{}", out var defaults, out _));
        Assert.False(defaults.Replication.IsReplica);
        Assert.Equal(0, defaults.Replication.SyncReplicas);
        Assert.Equal(TimeSpan.FromSeconds(2), defaults.Replication.MinLsnWait);
    }

    [Theory]
    [InlineData("[]", "$: must be an object")]
    [InlineData("{ \"apikeys\": [] }", "$: unknown property \"apikeys\" (known: apiKeys, limits, tls, replication, cluster, embedder)")]
    [InlineData("{ \"apiKeys\": {} }", "$.apiKeys: must be an array")]
    [InlineData("{ \"apiKeys\": [ { \"name\": \"a\", \"key\": \"0123456789abcdef\" } ] }", "$.apiKeys[0]: needs \"name\", \"key\" and \"role\"")]
    [InlineData("{ \"apiKeys\": [ { \"name\": \"a\", \"key\": \"short\", \"role\": \"read\" } ] }", "$.apiKeys[0].key: must be at least 16 characters")]
    [InlineData("{ \"apiKeys\": [ { \"name\": \"a b\", \"key\": \"0123456789abcdef\", \"role\": \"read\" } ] }", "$.apiKeys[0].name: may only contain")]
    [InlineData("{ \"apiKeys\": [ { \"name\": \"a\", \"key\": 5, \"role\": \"read\" } ] }", "$.apiKeys[0].key: must be a string")]
    [InlineData("{ \"apiKeys\": [ { \"name\": \"a\", \"key\": \"0123456789abcdef\", \"role\": \"read\", \"x\": 1 } ] }", "$.apiKeys[0]: unknown property \"x\"")]
    [InlineData("{ \"limits\": { \"maxConnections\": 0 } }", "$.limits.maxConnections: must be between 1 and 100000, not 0")]
    [InlineData("{ \"limits\": { \"maxFrameBytes\": 1.5 } }", "$.limits.maxFrameBytes: must be a whole number")]
    [InlineData("{ \"limits\": { \"maxFrameBytes\": 99999999999 } }", "$.limits.maxFrameBytes: must be between 1024 and 1073741824")]
    [InlineData("{ \"limits\": { \"idleTimeout\": 5 } }", "$.limits: unknown property \"idleTimeout\"")]
    [InlineData("{ \"limits\": ", "not valid JSON")]
    [InlineData("{ \"replication\": { \"replicaOf\": \"nohost\" } }", "$.replication.replicaOf: 'nohost' is not host:port")]
    [InlineData("{ \"replication\": { \"replicaOf\": \"h:70000\" } }", "$.replication.replicaOf: 'h:70000' has no port between 1 and 65535")]
    [InlineData("{ \"replication\": { \"window\": 0 } }", "$.replication.window: must be between 1 and 1024, not 0")]
    [InlineData("{ \"replication\": { \"key\": \"short\" } }", "$.replication.key: must be at least 16 characters")]
    [InlineData("{ \"replication\": { \"sync\": 1 } }", "$.replication: unknown property \"sync\"")]
    [InlineData("{ \"tls\": {} }", "$.tls: needs \"certificate\"")]
    [InlineData("{ \"tls\": { \"certificate\": \"\" } }", "$.tls.certificate: must be a file path")]
    [InlineData("{ \"tls\": { \"certificate\": \"a.pem\", \"password\": \"x\" } }", "$.tls: unknown property \"password\" (known: certificate, key)")]
    [InlineData("{ \"tls\": \"a.pem\" }", "$.tls: must be an object")]
    public void InvalidConfig_IsRejectedWithThePathOfTheProblem(string json, string expected)
    {
        Assert.False(ServerConfigLoader.TryParse(json, out _, out var error));

        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Tls_IsRead_AndTryLoadResolvesRelativePathsBesideTheConfigFile()
    {
        Assert.True(ServerConfigLoader.TryParse("""{ "tls": { "certificate": "certs/server.crt", "key": "/abs/server.key" } }""",
            out var parsed, out var error), error);
        Assert.Equal(new TlsSettings("certs/server.crt", "/abs/server.key"), parsed.Tls);
        Assert.True(ServerConfigLoader.TryParse("{}", out var none, out _));
        Assert.Null(none.Tls);

        using var root = new TempDirectory();
        var file = Path.Combine(root.Path, "agentdb.json");
        File.WriteAllText(file, """{ "tls": { "certificate": "certs/server.pfx" } }""");

        Assert.True(ServerConfigLoader.TryLoad(file, out var loaded, out error), error);
        Assert.Equal(new TlsSettings(Path.Combine(root.Path, "certs", "server.pfx"), null), loaded.Tls);
    }

    [Fact]
    public void TryLoad_MissingFile_NamesIt()
    {
        Assert.False(ServerConfigLoader.TryLoad("/no/such/agentdb.json", out _, out var error));

        Assert.StartsWith("cannot read config file /no/such/agentdb.json", error, StringComparison.Ordinal);
    }
}
