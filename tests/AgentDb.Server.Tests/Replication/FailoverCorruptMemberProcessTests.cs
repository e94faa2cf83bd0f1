using System.Diagnostics;
using AgentDb.Client;
using AgentDb.Wire.Messages;
using static AgentDb.Server.Tests.Replication.ReplicationCluster;

namespace AgentDb.Server.Tests.Replication;

/// <summary>A cluster member whose log is found corrupt when it restarts resyncs fully from the primary and converges.</summary>
[Collection(nameof(FailoverClusterCollection))]
public sealed class FailoverCorruptMemberProcessTests
{
    [Fact]
    public async Task AMemberWithACorruptLog_ResyncsFromThePrimary_AndConverges()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // signal numbers are Linux's
        }
        using var cluster = new FailoverCluster();
        await cluster.StartAllAsync();
        await cluster.CreateCollectionAsync();
        var primary = await cluster.WaitForPrimaryAsync();
        var member = (primary + 1) % cluster.Size;
        var ids = new List<string>();
        ulong last = 0;
        await using (var writer = await ConnectAsync(cluster.Port(primary)))
        {
            var settle = Stopwatch.StartNew();
            for (var i = 0; i < 120; i++)
            {
                ids.Add($"r{i}");
                // Bounded by the wait limit: NOT_REPLICATED only while the followers connect.
                while (true)
                {
                    try
                    {
                        last = (await writer.UpsertAsync(FailoverCluster.Collection, $"r{i}", Vector(i), Payload(i))).Version;
                        break;
                    }
                    catch (AgentDbException e) when (e.Code == ErrorCode.NotReplicated && settle.Elapsed < WaitLimit)
                    {
                        await Task.Delay(50);
                    }
                }
            }
        }
        await using (var onMember = await ConnectAsync(cluster.Port(member)))
        {
            await WaitForAppliedAsync(onMember, (long)last, cluster.Nodes[member]!);
        }
        await cluster.KillAsync(member);
        var segment = Path.Combine(cluster.DataDirectory(member), "db", "log", "wal.log.0");
        var bytes = File.ReadAllBytes(segment);
        var end = bytes.Length;
        while (end > 0 && bytes[end - 1] == 0)
        {
            end--;
        }
        Assert.True(end > 4096, $"the log segment holds only {end} bytes");
        for (var i = end / 3; i < (end / 3) + 64; i++)
        {
            bytes[i] ^= 0x5A;
        }
        File.WriteAllBytes(segment, bytes);

        await cluster.StartAsync(member);
        var now = await cluster.WaitForPrimaryAsync();
        await FailoverProcessTests.AssertConvergesAsync(cluster, now, member, ids);
        var log = cluster.Nodes[member]!.Stderr;
        Assert.Contains("replica data corrupt (write-ahead log", log, StringComparison.Ordinal);
        Assert.Contains("downloaded a snapshot", log, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(cluster.DataDirectory(member), "resync-required")));
        Assert.Equal(1, await cluster.TryStatAsync(member, "replication.repairs"));
    }
}
