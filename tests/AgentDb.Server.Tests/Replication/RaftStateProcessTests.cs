using System.Diagnostics;
using AgentDb.Failover;
using static AgentDb.Server.Tests.Replication.ReplicationCluster;

namespace AgentDb.Server.Tests.Replication;

/// <summary><c>serve --cluster-node</c> keeps its Raft term on disk (<c>DIR/raft</c>) across a restart, and refuses a lost Raft state.</summary>
[Collection(nameof(FailoverClusterCollection))]
public sealed class RaftStateProcessTests
{
    private const int Sigkill = 9;

    [Fact]
    public async Task AKilledMember_KeepsItsTermAndVoteOnDisk_AndRefusesALostState()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // signal numbers are Linux's
        }
        // Two members of three elect a primary: the follower's vote is needed, so both voted in the leader's term.
        using var cluster = new FailoverCluster();
        await cluster.StartAsync(0);
        await cluster.StartAsync(1);
        var primary = await cluster.WaitForPrimaryAsync();
        var member = 1 - primary;
        var term = await cluster.TryStatAsync(primary, "cluster.term") ?? 0;
        Assert.True(term > 0);

        // SIGKILL: what DotNext wrote before answering the vote is what the restart reads.
        await cluster.KillAsync(member);
        var raft = Path.Combine(cluster.DataDirectory(member), RaftStateStore.DirectoryName);
        var state = File.ReadAllBytes(Path.Combine(raft, RaftStateStore.StateFileName));
        Assert.Equal(RaftStateStore.StateFileSize, state.Length);
        Assert.Equal(1, state[0]); // a vote is recorded
        Assert.True(BitConverter.ToInt64(state, 29) >= term, $"the saved term {BitConverter.ToInt64(state, 29)} is below the {term} reached");
        Assert.NotNull(RaftStateStore.Check(raft));

        await cluster.StartAsync(member);
        Assert.Matches($@"Raft state {System.Text.RegularExpressions.Regex.Escape(raft)}: term [1-9]", cluster.Nodes[member]!.Stderr);
        var restarted = await cluster.TryStatAsync(member, "cluster.term");
        Assert.True(restarted >= term, $"restarted at term {restarted}, below the {term} it had voted in");
        var data = cluster.DataDirectory(member);

        // The Raft state lost while its checksummed floor remains: refused, not restarted at term 0.
        cluster.Signal(member, AgentDbProcess.Sigterm);
        Assert.Equal(0, await cluster.Nodes[member]!.WaitForExitAsync(WaitLimit));
        File.Delete(Path.Combine(raft, RaftStateStore.StateFileName));
        using var refused = AgentDbProcess.StartWithEnvironment(Environment(replica: true),
            "serve", "--data", data, "--port", "0", "--http-port", "0", "--embedder", "hashing",
            "--cluster-node", "127.0.0.1:1", "--cluster-peers", "127.0.0.1:2,127.0.0.1:3", "--cluster-advertise", "127.0.0.1:4");
        Assert.NotEqual(0, await refused.WaitForExitAsync(WaitLimit));
        Assert.Contains("is missing but", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("cannot start the cluster member", refused.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("agentdb ready", refused.Stdout, StringComparison.Ordinal);
    }
}
