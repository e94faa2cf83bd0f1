using AgentDb.Client;
using AgentDb.Wire.Messages;
using static AgentDb.Server.Tests.Replication.ReplicationCluster;

namespace AgentDb.Server.Tests.Replication;

/// <summary>
/// Corruption of a replica's data is detected by checksums when it opens and repaired by a full resync from a snapshot
/// of the primary; a primary with corrupt data refuses to start and names what is corrupt.
/// </summary>
public sealed class CorruptReplicaProcessTests
{
    private const int Sigkill = 9;

    /// <summary>Where the damage goes: the replica's write-ahead log before its tail, or its RocksDB table files.</summary>
    public enum Damage
    {
        Log,
        Records,
    }

    [Theory]
    [InlineData(Damage.Log)]
    [InlineData(Damage.Records)]
    public async Task ACorruptReplica_IsMovedAside_ResyncsFromASnapshot_AndConverges(Damage damage)
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
            await UpsertRecordsAsync(writer, 0, 120, ids);

            var replicaData = Path.Combine(root.Path, "replica");
            // For damaged records, a checkpoint first puts the records into RocksDB table files.
            await ReplicateThenKillAsync(replicaData, primaryPort, writer,
                damage == Damage.Records ? reader => reader.CheckpointAsync() : null);
            var what = damage == Damage.Log ? CorruptLog(Path.Combine(replicaData, "db", "log")) : CorruptTables(Path.Combine(replicaData, "db", "rocksdb"));

            // The primary goes on meanwhile.
            for (var i = 0; i < 20; i++)
            {
                await writer.UpsertAsync("docs", $"r{i}", Vector(1000 + i), Payload(i + 1));
            }

            var (repaired, repairedPort, _) = await StartAsync(replicaData, $"127.0.0.1:{primaryPort}");
            using (repaired)
            {
                // The snapshot install restarts the engine in-process: wait for the second ready line.
                await repaired.WaitForLineAsync("agentdb restarting", WaitLimit);
                var ready = await repaired.WaitForLineAsync("agentdb ready:", WaitLimit);
                var port = int.Parse(AgentDbProcessTests.ReadyAddresses().Match(ready).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                await using var reader = await ConnectAsync(port);
                await WaitForAppliedAsync(reader, await StatAsync(writer, "lsn.applied"), repaired);
                Assert.Equal(await DigestAsync(writer, "docs", ids), await DigestAsync(reader, "docs", ids));
                Assert.Equal(await StatAsync(writer, "records"), await StatAsync(reader, "records"));
                Assert.Equal(1, await StatAsync(reader, "replication.repairs"));

                var log = repaired.Stderr;
                Assert.Contains(damage == Damage.Log ? "replica data corrupt (write-ahead log" : "replica data corrupt (record store (RocksDB)", log, StringComparison.Ordinal);
                Assert.Contains("resyncing fully from a snapshot of the primary (repair 1)", log, StringComparison.Ordinal);
                Assert.Contains("downloaded a snapshot", log, StringComparison.Ordinal);
                Assert.True(Directory.Exists(Path.Combine(replicaData, "db.corrupt")), $"the damaged data ({what}) is kept aside");
                Assert.False(File.Exists(Path.Combine(replicaData, "resync-required")), "the marker goes once the snapshot is installed");
                await Assert.ThrowsAsync<AgentDbException>(() => reader.UpsertAsync("docs", "x", Vector(1), Payload(1))); // still a replica

                repaired.Signal(AgentDbProcess.Sigterm);
                Assert.Equal(0, await repaired.WaitForExitAsync(WaitLimit));
            }
        }
    }

    [Fact]
    public async Task APrimaryWithACorruptLog_RefusesToStart_NamingWhatIsCorrupt()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        using var root = new TempDirectory();
        var data = Path.Combine(root.Path, "primary");
        var (primary, port, _) = await StartAsync(data);
        using (primary)
        {
            await using (var writer = await ConnectAsync(port))
            {
                await writer.CreateCollectionAsync("docs", 3, VectorMetric.L2Squared);
                for (var i = 0; i < 120; i++)
                {
                    await writer.UpsertAsync("docs", $"r{i}", Vector(i), Payload(i));
                }
            }
            primary.Signal(Sigkill);
            await primary.WaitForExitAsync(WaitLimit);
        }
        CorruptLog(Path.Combine(data, "db", "log"));

        using var again = AgentDbProcess.StartWithEnvironment(Environment(replica: false), "serve", "--data", data, "--port", "0", "--http-port", "0");
        Assert.NotEqual(0, await again.WaitForExitAsync(WaitLimit));
        Assert.Contains("its data is corrupt (write-ahead log", again.Stderr, StringComparison.Ordinal);
        Assert.Contains("LSN", again.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("agentdb ready", again.Stdout, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(data, "db")), "a primary's data is never moved aside");
    }

    /// <summary>Flips 64 bytes a third of the way into the written part of the first log segment: valid entries follow.</summary>
    private static string CorruptLog(string logDirectory)
    {
        var segment = Path.Combine(logDirectory, "wal.log.0");
        var bytes = File.ReadAllBytes(segment);
        var end = bytes.Length;
        while (end > 0 && bytes[end - 1] == 0)
        {
            end--;
        }
        Assert.True(end > 4096, $"the log segment {segment} holds only {end} bytes");
        var at = end / 3;
        for (var i = at; i < at + 64; i++)
        {
            bytes[i] ^= 0x5A;
        }
        File.WriteAllBytes(segment, bytes);
        return $"{segment} at {at}";
    }

    /// <summary>Flips every 16th byte of the first half (the data blocks) of each RocksDB table file.</summary>
    private static string CorruptTables(string storeDirectory)
    {
        var tables = Directory.GetFiles(storeDirectory, "*.sst");
        Assert.NotEmpty(tables);
        foreach (var table in tables)
        {
            var bytes = File.ReadAllBytes(table);
            for (var i = 0; i < bytes.Length / 2; i += 16)
            {
                bytes[i] ^= 0x5A;
            }
            File.WriteAllBytes(table, bytes);
        }
        return string.Join(", ", tables);
    }
}
