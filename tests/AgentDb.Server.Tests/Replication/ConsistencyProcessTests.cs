using AgentDb.Client;
using AgentDb.Wire.Messages;
using static AgentDb.Server.Tests.Replication.ReplicationCluster;

namespace AgentDb.Server.Tests.Replication;

/// <summary>
/// Per-request consistency on a primary in async mode with one replica: a write's own <c>w</c> waits for replicas
/// (NOT_REPLICATED when there are too few), and a read's <c>minLsn</c> waits for the write on the replica
/// (read-your-writes), BUSY when the LSN does not come.
/// </summary>
public sealed class ConsistencyProcessTests
{
    [Fact]
    public async Task PerRequestW_WaitsForReplicas_AndMinLsnReadsTheWriteOnTheReplica()
    {
        using var root = new TempDirectory();
        // Async by default (no syncReplicas): only the requests' own w make writes wait.
        var primaryConfig = Path.Combine(root.Path, "primary.json");
        await File.WriteAllTextAsync(primaryConfig, """{ "replication": { "syncTimeoutMs": 1000, "minLsnWaitMs": 300 } }""");
        var replicaConfig = Path.Combine(root.Path, "replica.json");
        await File.WriteAllTextAsync(replicaConfig, """{ "replication": { "minLsnWaitMs": 20000 } }""");
        var (primary, primaryPort, _) = await StartAsync(Path.Combine(root.Path, "primary"), configFile: primaryConfig);
        using (primary)
        {
            await using var writer = await ConnectAsync(primaryPort);
            await writer.CreateCollectionAsync("docs", 3, VectorMetric.Cosine);

            // No replica yet: the server's async mode acknowledges, a request's w = 1 is applied but NOT_REPLICATED.
            var first = await writer.UpsertAsync("docs", "async", Vector(1), Payload(1));
            var alone = await Assert.ThrowsAsync<AgentDbException>(() => writer.UpsertAsync("docs", "w1-alone", Vector(2), Payload(2), replicas: 1));
            Assert.Equal(ErrorCode.NotReplicated, alone.Code);
            Assert.Contains("1 replica", alone.Message);
            var applied = await writer.GetAsync("docs", "w1-alone");
            Assert.True(applied.Version > first.Version);

            // A read asking for an LSN the primary does not have waits minLsnWaitMs, then BUSY naming the applied LSN.
            var ahead = await Assert.ThrowsAsync<AgentDbException>(() => writer.GetAsync("docs", "async", minLsn: applied.Version + 1000));
            Assert.Equal(ErrorCode.Busy, ahead.Code);
            Assert.Contains($"applied LSN {applied.Version}", ahead.Message);
            // At or below the applied LSN it reads at once.
            Assert.Equal(first.Version, (await writer.GetAsync("docs", "async", minLsn: applied.Version)).Version);

            var (replica, replicaPort, _) = await StartAsync(Path.Combine(root.Path, "replica"), $"127.0.0.1:{primaryPort}", replicaConfig);
            using (replica)
            {
                await using var reader = await ConnectAsync(replicaPort, ReadKey);

                // Read-your-writes from a replica that has not caught up yet (it may still be subscribing): minLsn waits.
                var caughtUp = await reader.GetAsync("docs", "w1-alone", minLsn: applied.Version);
                Assert.Equal(applied.Version, caughtUp.Version);

                // A GET that reaches the replica before the write exists, waiting for the write's LSN, sees it.
                var last = applied.Version;
                var pendingGet = reader.GetAsync("docs", "late", minLsn: last + 1);
                var pendingSearch = reader.SearchAsync("docs", Vector(7), 10, minLsn: last + 1);
                await Task.Delay(200); // both requests are at the replica; without minLsn they would be answered now
                Assert.False(pendingGet.IsCompleted);
                var late = await writer.UpsertAsync("docs", "late", Vector(7), Payload(7));
                Assert.Equal(late.Version, (await pendingGet).Version);
                Assert.Contains(await pendingSearch, hit => hit.Id == "late");

                // w = 1 with one replica: acknowledged means applied there, no minLsn needed.
                for (var i = 0; i < 10; i++)
                {
                    var written = await writer.UpsertAsync("docs", $"r{i}", Vector(i), Payload(i), replicas: 1);
                    var copy = await reader.GetAsync("docs", $"r{i}");
                    Assert.Equal(written.Version, copy.Version);
                }
                var batch = await writer.BatchAsync("docs",
                    [new BatchOperation(BatchOperationKind.Upsert, "b1", Vector(3), Payload(3)), new BatchOperation(BatchOperationKind.Delete, "r0", default, default)],
                    replicas: 1);
                Assert.Equal(batch.Version, (await reader.GetAsync("docs", "b1")).Version);
                Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<AgentDbException>(() => reader.GetAsync("docs", "r0"))).Code);
                var deleted = await writer.DeleteWithLsnAsync("docs", "r1", replicas: 1);
                Assert.True(deleted.Deleted);
                Assert.True(deleted.Lsn > batch.Version);
                Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<AgentDbException>(() => reader.GetAsync("docs", "r1", minLsn: deleted.Lsn))).Code);

                // w = 2 with one replica: NOT_REPLICATED after the timeout, though the replica has the write.
                var two = await Assert.ThrowsAsync<AgentDbException>(() => writer.UpsertAsync("docs", "w2", Vector(4), Payload(4), replicas: 2));
                Assert.Equal(ErrorCode.NotReplicated, two.Code);
                Assert.Contains("2 replica", two.Message);
                var onPrimary = await writer.GetAsync("docs", "w2");
                Assert.Equal(onPrimary.Version, (await reader.GetAsync("docs", "w2", minLsn: onPrimary.Version)).Version);

                // A client that sends no w still gets the server's async mode.
                await writer.UpsertAsync("docs", "plain", Vector(5), Payload(5));

                replica.Signal(AgentDbProcess.Sigterm);
                Assert.Equal(0, await replica.WaitForExitAsync(WaitLimit));
            }
            primary.Signal(AgentDbProcess.Sigterm);
            Assert.Equal(0, await primary.WaitForExitAsync(WaitLimit));
        }
    }
}
