using AgentDb.Client;
using AgentDb.Kernels;
using AgentDb.Wire.Messages;
using static AgentDb.Server.Tests.Replication.ReplicationCluster;

namespace AgentDb.Server.Tests.Replication;

/// <summary>
/// A replica makes entries visible before its own log commit; a crash after RocksDB flushed such records leaves its log
/// ending below the records' applied LSN (a hole). On restart it must not serve or replay that log: it moves its data
/// aside and resyncs from a snapshot of the primary, as for corrupt data.
/// </summary>
public sealed class ReplicaLogHoleProcessTests
{
    [Fact]
    public async Task AReplicaWhoseRecordsAreAheadOfItsLog_ResyncsFromASnapshot_AndConverges()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // signal numbers are Linux's
        }
        using var root = new TempDirectory();
        var (primary, primaryPort, _) = await StartAsync(Path.Combine(root.Path, "primary"));
        using (primary)
        {
            await using var writer = await ConnectAsync(primaryPort);
            await writer.CreateCollectionAsync("docs", 3, VectorMetric.L2Squared);
            var ids = new List<string>();
            await UpsertRecordsAsync(writer, 0, 80, ids);

            var replicaData = Path.Combine(root.Path, "replica");
            await ReplicateThenKillAsync(replicaData, primaryPort, writer);

            MakeRecordsAheadOfTheLog(root.Path, Path.Combine(replicaData, "db"), extra: 5);

            for (var i = 0; i < 20; i++)
            {
                await writer.UpsertAsync("docs", $"r{i}", Vector(1000 + i), Payload(i + 1));
            }

            var (repaired, _, _) = await StartAsync(replicaData, $"127.0.0.1:{primaryPort}");
            using (repaired)
            {
                await repaired.WaitForLineAsync("agentdb restarting", WaitLimit); // the snapshot install restarts the engine
                var ready = await repaired.WaitForLineAsync("agentdb ready:", WaitLimit);
                var port = int.Parse(AgentDbProcessTests.ReadyAddresses().Match(ready).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                await using var reader = await ConnectAsync(port);
                await WaitForAppliedAsync(reader, await StatAsync(writer, "lsn.applied"), repaired);
                Assert.Equal(await DigestAsync(writer, "docs", ids), await DigestAsync(reader, "docs", ids));
                Assert.Equal(await StatAsync(writer, "records"), await StatAsync(reader, "records"));
                Assert.Equal(1, await StatAsync(reader, "replication.repairs"));
                Assert.True(await StatAsync(reader, "replication.lsn.durable") >= await StatAsync(reader, "replication.lsn.acked"));

                var log = repaired.Stderr;
                Assert.Contains("replica data corrupt (write-ahead log ends at LSN", log, StringComparison.Ordinal);
                Assert.Contains("below the records' applied LSN", log, StringComparison.Ordinal);
                Assert.Contains("downloaded a snapshot", log, StringComparison.Ordinal);
                Assert.True(Directory.Exists(Path.Combine(replicaData, "db.corrupt")), "the data with the hole is kept aside");
                Assert.False(File.Exists(Path.Combine(replicaData, "resync-required")), "the marker goes once the snapshot is installed");
                await Assert.ThrowsAsync<AgentDbException>(() => reader.UpsertAsync("docs", "x", Vector(1), Payload(1))); // still a replica

                repaired.Signal(AgentDbProcess.Sigterm);
                Assert.Equal(0, await repaired.WaitForExitAsync(WaitLimit));
            }
        }
    }

    /// <summary>
    /// Leaves <paramref name="databaseDirectory"/> as a crash would when RocksDB flushed records applied past the log
    /// commit that never completed: the records' applied LSN above the last entry of the log. Through the public API: the
    /// records of a later state (the database opened on its own, <paramref name="extra"/> records written, a backup
    /// restored) under the log as it was.
    /// </summary>
    private static void MakeRecordsAheadOfTheLog(string scratch, string databaseDirectory, int extra)
    {
        var savedLog = Path.Combine(scratch, "log-before");
        CopyDirectory(Path.Combine(databaseDirectory, "log"), savedLog);
        var backup = Path.Combine(scratch, "records-ahead");
        using (var database = AgentDatabase.Open(databaseDirectory))
        {
            database.CreateCollection("local", 3, DistanceMetric.L2Squared);
            for (var i = 0; i < extra; i++)
            {
                database.Upsert("local", $"l{i}", [0x80], [i, 1, 2]);
            }
            database.Backup(backup);
        }
        Directory.Delete(databaseDirectory, recursive: true);
        AgentDatabase.Restore(backup, databaseDirectory);
        CopyDirectory(savedLog, Path.Combine(databaseDirectory, "log"));
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
        foreach (var directory in Directory.GetDirectories(from))
        {
            CopyDirectory(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }
}
