using AgentDb.Client;
using AgentDb.Wire.Messages;
using static AgentDb.Server.Tests.Replication.ReplicationCluster;

namespace AgentDb.Server.Tests.Replication;

/// <summary><c>sync</c> replication (<c>replication.syncReplicas</c>): a write is answered only once a replica applied it.</summary>
public sealed class SyncReplicationProcessTests
{
    [Fact]
    public async Task SyncWrite_IsOnTheReplicaWhenAcknowledged_AndNotReplicatedWithoutOne()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return; // SIGKILL via kill(2) is POSIX only.
        }
        using var root = new TempDirectory();
        var config = Path.Combine(root.Path, "primary.json");
        await File.WriteAllTextAsync(config, """{ "replication": { "syncReplicas": 1, "syncTimeoutMs": 1000 } }""");
        var (primary, primaryPort, _) = await StartAsync(Path.Combine(root.Path, "primary"), configFile: config);
        using (primary)
        {
            await using var writer = await ConnectAsync(primaryPort);

            // No replica: applied on the primary, answered NOT_REPLICATED after the timeout.
            var alone = await Assert.ThrowsAsync<AgentDbException>(() => writer.CreateCollectionAsync("docs", 3, VectorMetric.Cosine));
            Assert.Equal(ErrorCode.NotReplicated, alone.Code);
            Assert.Contains(await writer.ListCollectionsAsync(), c => c.Name == "docs");

            var (replica, replicaPort, _) = await StartAsync(Path.Combine(root.Path, "replica"), $"127.0.0.1:{primaryPort}");
            using (replica)
            {
                await using var reader = await ConnectAsync(replicaPort);
                await WaitForAppliedAsync(reader, await StatAsync(writer, "lsn.applied"), replica);
                for (var i = 0; i < 20; i++)
                {
                    var written = await writer.UpsertAsync("docs", $"r{i}", Vector(i), Payload(i));
                    // Acknowledged in sync mode means applied on the replica: no waiting here.
                    var copy = await reader.GetAsync("docs", $"r{i}", includeVector: true);
                    Assert.Equal(written.Version, copy.Version);
                    Assert.Equal(Payload(i), copy.Payload.ToArray());
                }
                Assert.Equal(0, await StatAsync(writer, "replication.lag.lsn"));
                Assert.Equal(1, await StatAsync(writer, "replication.replicas.connected"));

                replica.Signal(9); // SIGKILL
                await replica.WaitForExitAsync(WaitLimit);
            }

            var lost = await Assert.ThrowsAsync<AgentDbException>(() => writer.UpsertAsync("docs", "after", Vector(1), Payload(1)));
            Assert.Equal(ErrorCode.NotReplicated, lost.Code);
            primary.Signal(AgentDbProcess.Sigterm);
            Assert.Equal(0, await primary.WaitForExitAsync(WaitLimit));
        }
    }
}
