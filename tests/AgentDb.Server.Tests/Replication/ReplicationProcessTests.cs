using AgentDb.Client;
using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;
using static AgentDb.Server.Tests.Replication.ReplicationCluster;

namespace AgentDb.Server.Tests.Replication;

/// <summary>A primary and a replica <c>agentdb serve</c> as processes on loopback: log shipping over the protocol.</summary>
public sealed class ReplicationProcessTests
{
    [Fact]
    public async Task Replica_Converges_RefusesWrites_AndResumesAfterSigkill()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return; // SIGKILL via kill(2) is POSIX only.
        }
        using var root = new TempDirectory();
        var (primary, primaryPort, _) = await StartAsync(Path.Combine(root.Path, "primary"));
        using (primary)
        {
            await using var writer = await ConnectAsync(primaryPort);
            await writer.CreateCollectionAsync("docs", 3, VectorMetric.L2Squared);
            var ids = new List<string>();
            await UpsertRecordsAsync(writer, 0, 60, ids);
            for (var i = 0; i < 60; i += 5)
            {
                await writer.DeleteAsync("docs", $"r{i}");
            }
            // The agent memory lives in the database: it is replicated with it (a caller vector: no model to load).
            var episodeVector = new float[384];
            episodeVector[3] = 1;
            await writer.StoreEpisodeAsync(new Wire.Messages.Memory.WireEpisode(
                "ep-replicated", "s1", "ship the log", null, null, null, 0.75, true, 5, 10, ["t"], new Dictionary<string, string>(), null, episodeVector));

            var replicaData = Path.Combine(root.Path, "replica");
            var (replica, replicaPort, replicaHttp) = await StartAsync(replicaData, $"127.0.0.1:{primaryPort}");
            using (replica)
            {
                await using (var reader = await ConnectAsync(replicaPort))
                {
                    await WaitForAppliedAsync(reader, await StatAsync(writer, "lsn.applied"), replica);
                    Assert.Equal(await DigestAsync(writer, "docs", ids), await DigestAsync(reader, "docs", ids));
                    var query = Vector(17);
                    var expected = await writer.SearchAsync("docs", query, 5);
                    var actual = await reader.SearchAsync("docs", query, 5);
                    Assert.Equal(expected.Select(h => (h.Id, h.Distance)), actual.Select(h => (h.Id, h.Distance)));

                    var refused = await Assert.ThrowsAsync<AgentDbException>(() => reader.UpsertAsync("docs", "x", Vector(1), Payload(1)));
                    Assert.Equal(ErrorCode.NotPrimary, refused.Code);
                    Assert.Equal($"127.0.0.1:{primaryPort}", refused.PrimaryAddress);
                    refused = await Assert.ThrowsAsync<AgentDbException>(() => reader.CreateCollectionAsync("other", 3, VectorMetric.Cosine));
                    Assert.Equal(ErrorCode.NotPrimary, refused.Code);
                    var replicated = await reader.GetEpisodeAsync("ep-replicated");
                    Assert.NotNull(replicated);
                    Assert.Equal(("ship the log", 0.75), (replicated.Task, replicated.Reward));
                    // The agent memory's writes are refused on a replica too.
                    refused = await Assert.ThrowsAsync<AgentDbException>(() => reader.RemoveCausalEdgeAsync("a", "b", null));
                    Assert.Equal(ErrorCode.NotPrimary, refused.Code);
                    Assert.Equal(1, await StatAsync(reader, "replication.role"));
                    Assert.Equal(1, await StatAsync(reader, "replication.connected"));
                    Assert.Equal(0, await StatAsync(reader, "replication.lag.lsn"));
                }
                using (var http = new HttpClient { Timeout = WaitLimit })
                {
                    var metrics = await http.GetStringAsync($"http://127.0.0.1:{replicaHttp}/metrics");
                    Assert.Contains("agentdb_replication_role 1\n", metrics);
                    Assert.Contains("agentdb_replication_lag_lsn 0\n", metrics);
                }
                // SIGKILL while the replica is applying: a writer keeps the stream busy across the kill.
                await using var background = await ConnectAsync(primaryPort);
                var busy = Task.Run(async () =>
                {
                    for (var i = 0; i < 300; i++)
                    {
                        await background.UpsertAsync("docs", $"busy{i % 40}", Vector(i), Payload(i));
                    }
                });
                await Task.Delay(50);
                replica.Signal(9); // SIGKILL
                await replica.WaitForExitAsync(WaitLimit);
                await busy;
                for (var i = 0; i < 40; i++)
                {
                    ids.Add($"busy{i}");
                }
            }

            // The primary goes on; the restarted replica resumes from the LSN its log holds.
            await UpsertRecordsAsync(writer, 60, 90, ids);
            await writer.UpsertAsync("docs", "r1", Vector(1000), Payload(99));
            var (restarted, restartedPort, _) = await StartAsync(replicaData, $"127.0.0.1:{primaryPort}");
            using (restarted)
            {
                await using var reader = await ConnectAsync(restartedPort);
                await WaitForAppliedAsync(reader, await StatAsync(writer, "lsn.applied"), restarted);
                Assert.Equal(await DigestAsync(writer, "docs", ids), await DigestAsync(reader, "docs", ids));
                Assert.Equal(await StatAsync(writer, "records"), await StatAsync(reader, "records"));
                Assert.DoesNotContain("snapshot", restarted.Stderr, StringComparison.Ordinal); // resumed from its own log

                restarted.Signal(AgentDbProcess.Sigterm);
                Assert.Equal(0, await restarted.WaitForExitAsync(WaitLimit));
            }
            primary.Signal(AgentDbProcess.Sigterm);
            Assert.Equal(0, await primary.WaitForExitAsync(WaitLimit));
        }
    }

    [Fact]
    public async Task ReplicationOpcodes_NeedTheReplicationRole()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }
        using var root = new TempDirectory();
        var (primary, port, _) = await StartAsync(Path.Combine(root.Path, "primary"));
        using (primary)
        {
            await using (var reader = await ConnectAsync(port, ReadKey))
            {
                var e = await Assert.ThrowsAsync<AgentDbException>(() => reader.SendAsync<ReplAckRequest, EmptyMessage>(
                    Opcode.ReplAck, new ReplAckRequest("r", 1)));
                Assert.Equal(ErrorCode.Forbidden, e.Code);
            }
            await using (var replication = await ConnectAsync(port, ReplicationKey))
            {
                Assert.Equal(AccessRole.Replication, replication.Session.Role);
                var e = await Assert.ThrowsAsync<AgentDbException>(() => replication.CreateCollectionAsync("docs", 3, VectorMetric.Cosine));
                Assert.Equal(ErrorCode.Forbidden, e.Code);
                await replication.StatsAsync(); // reads are allowed
                e = await Assert.ThrowsAsync<AgentDbException>(() => replication.SendAsync<ReplAckRequest, EmptyMessage>(
                    Opcode.ReplAck, new ReplAckRequest("nobody", 1)));
                Assert.Equal(ErrorCode.BadRequest, e.Code); // allowed, but there is no such subscription
            }
        }
    }
}
