using AgentDb.Client;
using static AgentDb.Server.Tests.Replication.ReplicationCluster;

namespace AgentDb.Server.Tests.Replication;

/// <summary>A replica whose starting LSN the primary truncated bootstraps from a snapshot, then tails the log.</summary>
public sealed class BootstrapProcessTests
{
    [Fact]
    public async Task NewReplica_OfATruncatedPrimary_BootstrapsFromASnapshot_AndConverges()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }
        using var root = new TempDirectory();
        var (primary, primaryPort, _) = await StartAsync(Path.Combine(root.Path, "primary"));
        using (primary)
        {
            await using var writer = await ConnectAsync(primaryPort);
            await writer.CreateCollectionAsync("docs", 3, Wire.Messages.VectorMetric.L2Squared);
            var ids = new List<string>();
            await UpsertRecordsAsync(writer, 0, 40, ids);
            await writer.CheckpointAsync(); // truncates the log: a new replica cannot start from LSN 1
            await UpsertRecordsAsync(writer, 40, 50, ids);
            await writer.DeleteAsync("docs", "r3");
            Assert.True(await StatAsync(writer, "lsn.first") > 1, "the checkpoint did not truncate the log");

            var (replica, _, _) = await StartAsync(Path.Combine(root.Path, "replica"), $"127.0.0.1:{primaryPort}");
            using (replica)
            {
                await replica.WaitForLineAsync("agentdb restarting", WaitLimit); // fails with the replica's stdout and stderr
                var ready = await replica.WaitForLineAsync("agentdb ready:", WaitLimit);
                var match = AgentDbProcessTests.ReadyAddresses().Match(ready);
                Assert.True(match.Success, ready);
                await using var reader = await ConnectAsync(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

                // Written after the snapshot: arrives through the log.
                await writer.UpsertAsync("docs", "late", Vector(99), Payload(99));
                ids.Add("late");
                await WaitForAppliedAsync(reader, await StatAsync(writer, "lsn.applied"), replica);
                Assert.True(await DigestAsync(writer, "docs", ids) == await DigestAsync(reader, "docs", ids), $"the replica's records differ. stderr:\n{replica.Stderr}");
                Assert.Equal(await StatAsync(writer, "records"), await StatAsync(reader, "records"));
                Assert.True(replica.Stderr.Contains("downloaded a snapshot", StringComparison.Ordinal), $"stderr:\n{replica.Stderr}");
                Assert.False(Directory.Exists(Path.Combine(root.Path, "replica", "bootstrap")), "the snapshot was not removed after installing");

                replica.Signal(AgentDbProcess.Sigterm);
                Assert.Equal(0, await replica.WaitForExitAsync(WaitLimit));
            }
        }
    }
}
