using System.Diagnostics;
using AgentDb.Client;
using AgentDb.Wire.Messages;
using Xunit.Abstractions;
using static AgentDb.Server.Tests.Replication.ReplicationCluster;

namespace AgentDb.Server.Tests.Replication;

/// <summary>
/// Automatic failover with three <c>serve --cluster-node</c> processes on loopback and continuous <c>sync</c> writes
/// (W = 1): SIGKILL of the primary, and SIGSTOP/SIGCONT of the primary (a partition as the others see it).
/// </summary>
[Collection(nameof(FailoverClusterCollection))]
public sealed class FailoverProcessTests(ITestOutputHelper output)
{
    private const int Sigkill = 9;
    private const int Sigcont = 18;
    private const int Sigstop = 19;

    [Fact]
    public async Task SigkillOfThePrimary_AnotherTakesWrites_NoAcknowledgedWriteLost_OldPrimaryRejoinsAndConverges()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // signal numbers are Linux's
        }
        using var cluster = new FailoverCluster();
        await cluster.StartAllAsync();
        await cluster.CreateCollectionAsync();
        var first = await cluster.WaitForPrimaryAsync();
        // The agent memory is replicated with the records: an episode acknowledged in sync mode survives the failover.
        await using (var memoryClient = await ConnectAsync(cluster.Port(first)))
        {
            await memoryClient.StoreEpisodeAsync(new Wire.Messages.Memory.WireEpisode(
                "ep-failover", "s1", "survive the failover", null, null, null, 0.5, true, 1, 1, [], new Dictionary<string, string>(), null,
                ReadOnlyMemory<float>.Empty));
        }

        var writer = new FailoverWriter(cluster);
        writer.Start(0);
        await writer.WaitForAcknowledgedAsync(50);
        var killedAt = Stopwatch.GetTimestamp();
        cluster.Signal(first, Sigkill);
        await cluster.Nodes[first]!.WaitForExitAsync(WaitLimit);
        await writer.WaitForAcknowledgedAsync(writer.AcknowledgedCount + 50);
        await writer.DisposeAsync();

        // (A write in flight at the kill may still be acknowledged by the old primary just before it dies.)
        var after = writer.Acknowledged.FirstOrDefault(a => a.At > killedAt && a.Node != first);
        Assert.NotNull(after.Id);
        output.WriteLine($"primary {first} killed; {after.Node} acknowledged a write {Stopwatch.GetElapsedTime(killedAt, after.At).TotalMilliseconds:0} ms later");

        var primary = await cluster.WaitForPrimaryAsync(except: first);
        await AssertAcknowledgedPresentAsync(cluster, primary, writer);
        await using (var memoryClient = await ConnectAsync(cluster.Port(primary)))
        {
            Assert.Equal("survive the failover", (await memoryClient.GetEpisodeAsync("ep-failover"))?.Task);
        }

        // The old primary restarts, rejoins as a replica and converges on the same records.
        await cluster.StartAsync(first);
        await AssertConvergesAsync(cluster, primary, first, writer.Tried);

        // /ready and /metrics show role, epoch, leader and lag on both sides (polled: a leader change under load may
        // briefly replace the follower).
        var epoch = await cluster.TryStatAsync(primary, "cluster.epoch");
        var leader = $"127.0.0.1:{cluster.Port(primary)}";
        Assert.StartsWith($"ready\nrole=primary epoch={epoch} ", await cluster.HttpGetAsync(primary, "/ready"));
        Assert.Contains("agentdb_cluster_primary 1", await cluster.HttpGetAsync(primary, "/metrics"));
        string[] expected =
        [
            $"role=replica epoch={epoch} ", $"leader={leader} lag_lsn=", $"agentdb_cluster_leader{{address=\"{leader}\"}} 1",
            $"agentdb_cluster_epoch {epoch}", "agentdb_cluster_primary 0", "agentdb_replication_lag_lsn ",
        ];
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var text = await cluster.HttpGetAsync(first, "/ready") + await cluster.HttpGetAsync(first, "/metrics");
            var missing = expected.Where(e => !text.Contains(e, StringComparison.Ordinal)).ToList();
            if (missing.Count == 0)
            {
                break;
            }
            Assert.True(deadline.Elapsed < WaitLimit, $"the replica's /ready and /metrics lack {string.Join(" | ", missing)}:\n{text}\n{cluster.Output()}");
            await Task.Delay(50);
        }
        output.WriteLine($"restarted old primary {first}:\n{cluster.Nodes[first]!.Stderr}");
    }

    [Fact]
    public async Task SigstopOfThePrimary_OthersElect_ResumedOldPrimaryAcknowledgesNothing_AndConverges()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        using var cluster = new FailoverCluster();
        await cluster.StartAllAsync();
        await cluster.CreateCollectionAsync();
        // A client connected to the primary itself, checked by one acknowledged write (on a loaded machine leadership
        // may still move right after the first election: then the new primary is the one to pause).
        int old;
        AgentDbClient direct;
        var settle = Stopwatch.StartNew();
        while (true)
        {
            old = await cluster.WaitForPrimaryAsync();
            direct = await AgentDbClient.ConnectAsync("127.0.0.1", cluster.Port(old), AdminKey,
                new AgentDbClientOptions { RequestTimeout = TimeSpan.FromSeconds(10) });
            try
            {
                await direct.UpsertAsync(FailoverCluster.Collection, "direct-before", Vector(1), Payload(1));
                break;
            }
            catch (AgentDbException e) when (e.Code is ErrorCode.NotPrimary or ErrorCode.NotReplicated && settle.Elapsed < WaitLimit)
            {
                await direct.DisposeAsync();
                await Task.Delay(100);
            }
        }
        await using var directLifetime = direct;
        var oldEpoch = await cluster.TryStatAsync(old, "cluster.epoch");

        var writer = new FailoverWriter(cluster);
        writer.Start(0);
        await writer.WaitForAcknowledgedAsync(30);
        cluster.Signal(old, Sigstop);
        var next = await cluster.WaitForPrimaryAsync(except: old);
        await writer.WaitForAcknowledgedAsync(writer.AcknowledgedCount + 30);
        var newEpoch = await cluster.TryStatAsync(next, "cluster.epoch");
        Assert.True(newEpoch > oldEpoch, $"epoch {oldEpoch} → {newEpoch}");

        // Resumed, the old primary acknowledges nothing: its term ended while it was stopped.
        cluster.Signal(old, Sigcont);
        var tried = new List<string> { "direct-before" };
        var appliedLocally = 0;
        for (var i = 0; i < 5; i++)
        {
            tried.Add($"direct-after-{i}");
            AgentDbException refused;
            try
            {
                await direct.UpsertAsync(FailoverCluster.Collection, $"direct-after-{i}", Vector(i), Payload(i));
                Assert.Fail($"the old primary {old} acknowledged write {i} after its term ended");
                return;
            }
            catch (AgentDbConnectionException e)
            {
                // It closed the connection (it restarts its engine to resync from the new primary): not acknowledged.
                output.WriteLine($"write {i} to the resumed old primary: connection closed: {e.Message}");
                break;
            }
            catch (AgentDbException e)
            {
                refused = e;
            }
            Assert.True(refused.Code is ErrorCode.NotPrimary or ErrorCode.NotReplicated, $"{refused.Code}: {refused.Message}");
            output.WriteLine($"write {i} to the resumed old primary: {refused.Code}: {refused.Message}");
            if (refused.Code == ErrorCode.NotReplicated)
            {
                appliedLocally++; // applied on the old primary alone: an unreplicated suffix it must discard
            }
        }
        await writer.WaitForAcknowledgedAsync(writer.AcknowledgedCount + 20);
        await writer.DisposeAsync();
        // Every write acknowledged after the new primary's first one came from a member of the new epoch or later.
        var primary = await cluster.WaitForPrimaryAsync(except: old);
        await AssertAcknowledgedPresentAsync(cluster, primary, writer);
        tried.AddRange(writer.Tried);
        await AssertConvergesAsync(cluster, primary, old, tried);
        var discarded = await cluster.TryStatAsync(old, "cluster.discarded");
        output.WriteLine($"old primary {old}: {appliedLocally} writes applied locally and refused; {discarded} log entries discarded.\n{cluster.Nodes[old]!.Stderr}");
        if (appliedLocally > 0)
        {
            Assert.True(discarded >= appliedLocally, $"{appliedLocally} writes were applied on the old primary alone, but it discarded {discarded} entries");
        }
    }

    [Fact]
    public async Task PrimaryLost_WhileAReplicaIsBehind_TheUpToDateMemberBecomesPrimary_NoAcknowledgedWriteLost()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        using var cluster = new FailoverCluster();
        await cluster.StartAllAsync();
        await cluster.CreateCollectionAsync();
        var primary = await cluster.WaitForPrimaryAsync();
        var behind = (primary + 1) % 3;
        var ahead = (primary + 2) % 3;

        var writer = new FailoverWriter(cluster);
        writer.Start(0);
        await writer.WaitForAcknowledgedAsync(20);
        // Paused, not killed: its Raft log (one entry per term) stays equal to the others', so Raft alone may elect it.
        cluster.Signal(behind, Sigstop);
        await writer.WaitForAcknowledgedAsync(writer.AcknowledgedCount + 40); // W = 1: only 'ahead' has these
        await writer.DisposeAsync();
        await cluster.KillAsync(primary);

        // 'ahead' alone is no majority; with 'behind' back the two elect, and whichever Raft elects, the primary must be
        // the member whose log is further: 'behind' hands leadership over if it wins.
        cluster.Signal(behind, Sigcont);
        var elected = await cluster.WaitForPrimaryAsync(except: primary);
        output.WriteLine($"primary {primary} killed; {behind} (behind) handed over {await cluster.TryStatAsync(behind, "cluster.handovers")} time(s); {elected} is primary");
        Assert.Equal(ahead, elected);
        await AssertAcknowledgedPresentAsync(cluster, elected, writer);
    }

    /// <summary>Every write acknowledged (sync, W = 1) is readable on <paramref name="primary"/>.</summary>
    private static async Task AssertAcknowledgedPresentAsync(FailoverCluster cluster, int primary, FailoverWriter writer)
    {
        await using var reader = await ConnectAsync(cluster.Port(primary));
        var missing = new List<string>();
        foreach (var (id, _, _) in writer.Acknowledged)
        {
            try
            {
                await reader.GetAsync(FailoverCluster.Collection, id);
            }
            catch (AgentDbException e) when (e.Code == ErrorCode.NotFound)
            {
                missing.Add(id);
            }
        }
        Assert.True(missing.Count == 0, $"{missing.Count} of {writer.AcknowledgedCount} acknowledged writes are missing on the new primary: {string.Join(',', missing)}");
    }

    private static async Task<string> DescribeAsync(AgentDbClient client, string id)
    {
        try
        {
            var record = await client.GetAsync(FailoverCluster.Collection, id);
            return $"version {record.Version}";
        }
        catch (AgentDbException e) when (e.Code == ErrorCode.NotFound)
        {
            return "absent";
        }
    }

    /// <summary>
    /// Waits until <paramref name="replica"/> is a replica holding the primary's last LSN, then compares a digest of every
    /// id written (acknowledged or not) on both.
    /// </summary>
    internal static async Task AssertConvergesAsync(FailoverCluster cluster, int primary, int replica, IEnumerable<string> ids)
    {
        var deadline = Stopwatch.StartNew();
        // Bounded by the wait limit.
        while (true)
        {
            var target = await cluster.TryStatAsync(primary, "cluster.lsn.last");
            var held = await cluster.TryStatAsync(replica, "cluster.lsn.last");
            var isPrimary = await cluster.TryStatAsync(replica, "cluster.primary");
            // The log's last LSN runs ahead of what is applied (an entry is appended, then applied): compare both.
            var primaryApplied = await cluster.TryStatAsync(primary, "lsn.applied");
            var replicaApplied = await cluster.TryStatAsync(replica, "lsn.applied");
            if (target is not null && held == target && isPrimary == 0 && primaryApplied is not null && replicaApplied == primaryApplied)
            {
                break;
            }
            if (deadline.Elapsed > WaitLimit)
            {
                var terms = new List<long?>();
                for (var i = 0; i < cluster.Size; i++)
                {
                    terms.Add(await cluster.TryStatAsync(i, "cluster.term"));
                }
                Assert.Fail($"member {replica} holds LSN {held}, the primary {primary} LSN {target}, after {WaitLimit}; Raft terms {string.Join(", ", terms)}. {cluster.Output()}");
            }
            await Task.Delay(50);
        }
        var all = ids.ToList();
        await using var onPrimary = await ConnectAsync(cluster.Port(primary));
        await using var onReplica = await ConnectAsync(cluster.Port(replica));
        if (await DigestAsync(onPrimary, FailoverCluster.Collection, all) != await DigestAsync(onReplica, FailoverCluster.Collection, all))
        {
            var differences = new List<string>();
            foreach (var id in all)
            {
                var a = await DigestAsync(onPrimary, FailoverCluster.Collection, [id]);
                var b = await DigestAsync(onReplica, FailoverCluster.Collection, [id]);
                if (a != b)
                {
                    differences.Add($"{id}: primary {await DescribeAsync(onPrimary, id)}, replica {await DescribeAsync(onReplica, id)}");
                }
            }
            Assert.Fail($"member {replica} holds the primary's LSN but different records:\n{string.Join('\n', differences)}\n{cluster.Output()}");
        }
        Assert.Equal(1, await StatAsync(onReplica, "replication.role"));
    }
}
