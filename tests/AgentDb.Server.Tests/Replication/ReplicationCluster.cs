using System.Globalization;
using AgentDb.Client;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Tests.Replication;

/// <summary>Starts <c>agentdb serve</c> primaries and replicas as child processes on free loopback ports.</summary>
internal static class ReplicationCluster
{
    public const string AdminKey = "admin-key-0123456789";
    public const string ReplicationKey = "replication-key-0123456789";
    public const string ReadKey = "read-key-0123456789ab";
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    public static Dictionary<string, string?> Environment(bool replica) => new()
    {
        ["AGENTDB_API_KEYS"] = $"admin:admin:{AdminKey},repl:replication:{ReplicationKey},reader:read:{ReadKey}",
        ["AGENTDB_REPLICATION_KEY"] = replica ? ReplicationKey : null,
    };

    /// <summary>Starts a server and waits for its ready line; returns it with its protocol and HTTP ports.</summary>
    public static async Task<(AgentDbProcess Process, int Port, int HttpPort)> StartAsync(string dataDirectory, string? replicaOf = null, string? configFile = null)
    {
        var args = new List<string> { "serve", "--data", dataDirectory, "--port", "0", "--http-port", "0" };
        if (replicaOf is not null)
        {
            args.Add("--replica-of");
            args.Add(replicaOf);
        }
        if (configFile is not null)
        {
            args.Add("--config");
            args.Add(configFile);
        }
        var process = AgentDbProcess.StartWithEnvironment(Environment(replicaOf is not null), [.. args]);
        var ready = await process.WaitForLineAsync("agentdb ready:", WaitLimit);
        var match = AgentDbProcessTests.ReadyAddresses().Match(ready);
        Assert.True(match.Success, ready);
        return (process,
            int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture),
            int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    public static Task<AgentDbClient> ConnectAsync(int port, string key = AdminKey) =>
        AgentDbClient.ConnectAsync("127.0.0.1", port, key, new AgentDbClientOptions { RequestTimeout = WaitLimit });

    public static async Task<long> StatAsync(AgentDbClient client, string name)
    {
        foreach (var (key, value) in await client.StatsAsync())
        {
            if (key == name)
            {
                return value;
            }
        }
        Assert.Fail($"STATS has no '{name}'");
        return 0;
    }

    /// <summary>Upserts records <c>r{from}</c> … <c>r{to - 1}</c> into "docs" (vector and payload of their number) one by one, adding their ids to <paramref name="ids"/>.</summary>
    public static async Task UpsertRecordsAsync(AgentDbClient writer, int from, int to, List<string> ids)
    {
        for (var i = from; i < to; i++)
        {
            ids.Add($"r{i}");
            await writer.UpsertAsync("docs", $"r{i}", Vector(i), Payload(i));
        }
    }

    /// <summary>
    /// Starts a replica of the primary on <paramref name="primaryPort"/> in <paramref name="replicaData"/>, waits until it
    /// has applied everything <paramref name="writer"/>'s primary holds, runs <paramref name="beforeKill"/> on a client of
    /// it (if given), then SIGKILLs it and waits for its exit: its data directory is left as a crash left it.
    /// </summary>
    public static async Task ReplicateThenKillAsync(string replicaData, int primaryPort, AgentDbClient writer, Func<AgentDbClient, Task>? beforeKill = null)
    {
        var (replica, replicaPort, _) = await StartAsync(replicaData, $"127.0.0.1:{primaryPort}");
        using (replica)
        {
            await using var reader = await ConnectAsync(replicaPort);
            await WaitForAppliedAsync(reader, await StatAsync(writer, "lsn.applied"), replica);
            if (beforeKill is not null)
            {
                await beforeKill(reader);
            }
            replica.Signal(9);
            await replica.WaitForExitAsync(WaitLimit);
        }
    }

    /// <summary>Polls the replica's applied LSN until it reaches <paramref name="lsn"/>; fails after the timeout (a hang, not a speed check).</summary>
    public static async Task WaitForAppliedAsync(AgentDbClient replica, long lsn, AgentDbProcess replicaProcess)
    {
        using var deadline = new CancellationTokenSource(WaitLimit);
        while (await StatAsync(replica, "lsn.applied") < lsn)
        {
            if (deadline.IsCancellationRequested)
            {
                Assert.Fail($"the replica did not reach LSN {lsn}. stderr:\n{replicaProcess.Stderr}");
            }
            await Task.Delay(20);
        }
    }

    /// <summary>A digest of the records with ids <paramref name="ids"/> as a client sees them: payload, vector, version, or absent.</summary>
    public static async Task<string> DigestAsync(AgentDbClient client, string collection, IEnumerable<string> ids)
    {
        var text = new System.Text.StringBuilder();
        foreach (var id in ids)
        {
            try
            {
                var record = await client.GetAsync(collection, id, includeVector: true);
                text.Append(id).Append('|').Append(record.Version).Append('|').Append(Convert.ToHexString(record.Payload.Span)).Append('|');
                foreach (var x in record.Vector.Span)
                {
                    text.Append(x.ToString("R", CultureInfo.InvariantCulture)).Append(',');
                }
                text.Append('\n');
            }
            catch (AgentDbException e) when (e.Code == ErrorCode.NotFound)
            {
                text.Append(id).Append("|absent\n");
            }
        }
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString())));
    }

    public static float[] Vector(int i) => [i, (i * 7) % 13, 1f / (i + 1)];

    public static byte[] Payload(int i) => [0x81, 0xA1, (byte)'n', (byte)(i & 0x7F)]; // {"n": i}
}
