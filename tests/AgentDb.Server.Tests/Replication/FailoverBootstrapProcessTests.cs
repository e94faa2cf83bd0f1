using System.Diagnostics;
using AgentDb.Client;
using AgentDb.Wire.Messages;
using static AgentDb.Server.Tests.Replication.ReplicationCluster;

namespace AgentDb.Server.Tests.Replication;

/// <summary>
/// A cluster member that fell far behind (the entries it needs are no longer in any member's log) re-bootstraps from a
/// snapshot of the primary and converges; on the way, a write asking for more replicas than are running is NOT_REPLICATED.
/// </summary>
[Collection(nameof(FailoverClusterCollection))]
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
        ulong last = 0;
        for (var i = 0; i < 100; i++)
        {
            var id = $"behind-{i}";
            ids.Add(id);
            last = (await WriteAsync(cluster, lagging, id, i)).Version;
        }

        // A write's own W in a cluster: 2 followers asked for, 1 running: applied, answered NOT_REPLICATED.
        ids.Add("w2");
        var two = await Assert.ThrowsAsync<AgentDbException>(() => WriteAsync(cluster, lagging, "w2", 500, replicas: 2));
        Assert.Equal(ErrorCode.NotReplicated, two.Code);
        Assert.Contains("2 replica", two.Message);

        // No member's log keeps those entries any more: the other member checkpoints (its log is truncated), and the
        // primary stops cleanly (a close truncates its log; its per-replica registrations live in memory) and restarts.
        await using (var onOther = await ConnectAsync(cluster.Port(other)))
        {
            await WaitForAppliedAsync(onOther, (long)last, cluster.Nodes[other]!);
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

        // And it keeps following: a write after the bootstrap reaches it (read-your-writes on the member).
        var after = (await WriteAsync(cluster, -1, "after", 1000)).Version;
        await using var onLagging = await ConnectAsync(cluster.Port(lagging));
        Assert.Equal(after, (await onLagging.GetAsync(FailoverCluster.Collection, "after", minLsn: after)).Version);
    }

    /// <summary>
    /// Upserts record <paramref name="id"/> on the current primary (not <paramref name="except"/>), following leader
    /// changes: NOT_PRIMARY or a lost connection sends it again to the primary found then; with W = 1 (the cluster's),
    /// NOT_REPLICATED too (a follower still connecting). With <paramref name="replicas"/> above 0, NOT_REPLICATED is
    /// the caller's. Bounded by the wait limit.
    /// </summary>
    private static async Task<UpsertResponse> WriteAsync(FailoverCluster cluster, int except, string id, int i, int replicas = 0)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var primary = await cluster.WaitForPrimaryAsync(except);
            try
            {
                await using var client = await ConnectAsync(cluster.Port(primary));
                return await client.UpsertAsync(FailoverCluster.Collection, id, Vector(i), Payload(i), replicas);
            }
            catch (Exception e) when (deadline.Elapsed < WaitLimit
                && (e is AgentDbConnectionException or IOException
                    || e is AgentDbException { Code: ErrorCode.NotPrimary }
                    || (replicas == 0 && e is AgentDbException { Code: ErrorCode.NotReplicated })))
            {
                await Task.Delay(50);
            }
        }
    }
}
