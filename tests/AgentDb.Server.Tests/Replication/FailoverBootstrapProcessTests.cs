using System.Diagnostics;
using AgentDb.Client;
using AgentDb.Wire.Messages;
using static AgentDb.Server.Tests.Replication.ReplicationCluster;

namespace AgentDb.Server.Tests.Replication;

/// <summary>
/// A cluster member that fell far behind (the entries it needs are no longer in any member's log) re-bootstraps from a
/// snapshot of the primary and converges; on the way, a write asking for more replicas than are running is NOT_REPLICATED.
/// </summary>
public sealed class FailoverBootstrapProcessTests
{
    private const int Sigkill = 9;

    [Fact]
    public async Task AMemberBehindATruncatedLog_BootstrapsFromASnapshot_AndConverges()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // signal numbers are Linux's
        }
        using var cluster = new FailoverCluster();
        await cluster.StartAllAsync();
        await cluster.CreateCollectionAsync();
        var primary = await cluster.WaitForPrimaryAsync();
        var lagging = (primary + 1) % cluster.Size;
        var other = (primary + 2) % cluster.Size;

        // The lagging member goes away; writes go on (W = 1: the other member acknowledges them).
        await cluster.KillAsync(lagging);
        var ids = new List<string>();
        await using (var writer = await ConnectAsync(cluster.Port(primary)))
        {
            for (var i = 0; i < 100; i++)
            {
                var id = $"behind-{i}";
                await writer.UpsertAsync(FailoverCluster.Collection, id, Vector(i), Payload(i));
                ids.Add(id);
            }

            // A write's own W in a cluster: 2 followers asked for, 1 running: applied, answered NOT_REPLICATED.
            var two = await Assert.ThrowsAsync<AgentDbException>(
                () => writer.UpsertAsync(FailoverCluster.Collection, "w2", Vector(500), Payload(500), replicas: 2));
            Assert.Equal(ErrorCode.NotReplicated, two.Code);
            Assert.Contains("2 replica", two.Message);
            ids.Add("w2");
        }

        // No member's log keeps those entries any more: the other member checkpoints (its log is truncated), and the
        // primary stops cleanly (a close truncates its log; its per-replica registrations live in memory) and restarts.
        await using (var onOther = await ConnectAsync(cluster.Port(other)))
        {
            await WaitForAppliedAsync(onOther, await LastLsnAsync(cluster, primary), cluster.Nodes[other]!);
            await onOther.CheckpointAsync();
        }
        cluster.Signal(primary, AgentDbProcess.Sigterm);
        Assert.Equal(0, await cluster.Nodes[primary]!.WaitForExitAsync(WaitLimit));
        await cluster.StartAsync(primary);
        var newPrimary = await cluster.WaitForPrimaryAsync();

        // The lagging member returns: what it needs is truncated everywhere, so it downloads a snapshot and converges.
        await cluster.StartAsync(lagging);
        await FailoverProcessTests.AssertConvergesAsync(cluster, newPrimary, lagging, ids);
        // Through the truncation path (NOT_FOUND "log was truncated"), not a divergence.
        var log = cluster.Nodes[lagging]!.Stderr;
        Assert.Contains("log was truncated", log, StringComparison.Ordinal);
        Assert.Contains("downloaded a snapshot", log, StringComparison.Ordinal);
        Assert.DoesNotContain("diverged", log, StringComparison.Ordinal);

        // And it keeps following: a write after the bootstrap reaches it.
        await using var client = await ConnectAsync(cluster.Port(newPrimary));
        var after = await WriteFollowingFailoverAsync(client, ids);
        await using var onLagging = await ConnectAsync(cluster.Port(lagging));
        Assert.Equal(after, (await onLagging.GetAsync(FailoverCluster.Collection, "after", minLsn: after)).Version);
    }

    private static async Task<long> LastLsnAsync(FailoverCluster cluster, int node) =>
        await cluster.TryStatAsync(node, "cluster.lsn.last") ?? throw new InvalidOperationException($"member {node} does not answer STATS");

    /// <summary>Writes "after" with W = 1, retrying while the cluster settles (NOT_REPLICATED: a follower still connecting).</summary>
    private static async Task<ulong> WriteFollowingFailoverAsync(AgentDbClient client, List<string> ids)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var written = await client.UpsertAsync(FailoverCluster.Collection, "after", Vector(1000), Payload(1000));
                ids.Add("after");
                return written.Version;
            }
            catch (AgentDbException e) when (e.Code == ErrorCode.NotReplicated && deadline.Elapsed < WaitLimit)
            {
                await Task.Delay(100);
            }
        }
    }
}
