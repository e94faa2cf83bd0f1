using System.Collections.Concurrent;
using AgentDb.Client;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Tests.Engine;

/// <summary>The built <c>agentdb serve</c> stopped by SIGTERM while many UPSERTs are in flight: it exits 0 after
/// answering what it read, and every write it acknowledged is there after a restart.</summary>
public sealed class SigtermInFlightProcessTests
{
    private const int Dimension = 8;
    private const int Connections = 4;
    private const int WorkersPerConnection = 8;
    private const int MaxWritesPerWorker = 2_000;
    private const int AcknowledgedBeforeSigterm = 300;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Sigterm_WithUpsertsInFlight_LosesNoAcknowledgedWrite_AndExitsZero()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return; // SIGTERM via kill(2) is POSIX only.
        }
        using var root = new TempDirectory();
        var dataDirectory = Path.Combine(root.Path, "data");
        var acknowledged = new ConcurrentDictionary<string, ulong>();
        var failures = new ConcurrentBag<Exception>();

        using (var server = AgentDbProcess.Start("serve", "--port", "0", "--http-port", "0", "--data", dataDirectory))
        {
            var port = Port(await server.WaitForLineAsync("agentdb ready:", s_timeout));
            var clients = new AgentDbClient[Connections];
            for (var c = 0; c < clients.Length; c++)
            {
                clients[c] = await AgentDbClient.ConnectAsync("127.0.0.1", port, null, new AgentDbClientOptions { RequestTimeout = s_timeout });
            }
            try
            {
                await clients[0].CreateCollectionAsync("docs", Dimension, VectorMetric.L2Squared);
                var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var workers = new Task[Connections * WorkersPerConnection];
                for (var w = 0; w < workers.Length; w++)
                {
                    workers[w] = WriteUntilFailureAsync(clients[w % Connections], w, acknowledged, failures, enough);
                }

                await enough.Task.WaitAsync(s_timeout);
                server.Signal(AgentDbProcess.Sigterm);
                await Task.WhenAll(workers).WaitAsync(s_timeout);

                Assert.Equal(0, await server.WaitForExitAsync(s_timeout));
            }
            finally
            {
                foreach (var client in clients)
                {
                    await client.DisposeAsync();
                }
            }
            Assert.EndsWith("agentdb stopped\n", server.Stdout, StringComparison.Ordinal);
            Assert.Equal("", server.Stderr.Replace(NoKeysWarning, "", StringComparison.Ordinal));
        }

        // The stop landed mid-way: some writes were acknowledged, and the rest failed with the connection (not with an
        // error reply, and not by running to completion).
        Assert.InRange(acknowledged.Count, AcknowledgedBeforeSigterm, Connections * WorkersPerConnection * MaxWritesPerWorker - 1);
        Assert.NotEmpty(failures);
        Assert.All(failures, e => Assert.IsType<AgentDbConnectionException>(e));

        using var restarted = AgentDbProcess.Start("serve", "--port", "0", "--http-port", "0", "--data", dataDirectory);
        await using (var pool = new AgentDbClientPool("127.0.0.1", Port(await restarted.WaitForLineAsync("agentdb ready:", s_timeout)), null,
            new AgentDbClientPoolOptions { Connections = Connections, Client = new AgentDbClientOptions { RequestTimeout = s_timeout } }))
        {
            var ids = acknowledged.Keys.ToArray();
            var missing = new ConcurrentBag<string>();
            await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (id, cancellationToken) =>
            {
                try
                {
                    var record = await pool.GetAsync("docs", id, includeVector: true, cancellationToken: cancellationToken);
                    Assert.Equal(VectorFor(id), record.Vector.ToArray());
                }
                catch (AgentDbException e) when (e.Code == ErrorCode.NotFound)
                {
                    missing.Add(id);
                }
            });
            Assert.Empty(missing);
            var count = (await pool.StatsAsync("docs")).First(s => s.Key == "records").Value;
            Assert.InRange(count, ids.Length, ids.Length + failures.Count); // a write whose answer was lost may be there too
        }
        restarted.Signal(AgentDbProcess.Sigterm);
        Assert.Equal(0, await restarted.WaitForExitAsync(s_timeout));
    }

    private const string NoKeysWarning =
        "agentdb: warning: no API keys configured (config file apiKeys or AGENTDB_API_KEYS): " +
        "authentication is disabled and every client is admin\n";

    private static async Task WriteUntilFailureAsync(
        AgentDbClient client, int worker, ConcurrentDictionary<string, ulong> acknowledged, ConcurrentBag<Exception> failures,
        TaskCompletionSource enough)
    {
        for (var i = 0; i < MaxWritesPerWorker; i++)
        {
            var id = $"w{worker}-{i}";
            try
            {
                var response = await client.UpsertAsync("docs", id, VectorFor(id));
                acknowledged[id] = response.Version;
                if (acknowledged.Count >= AcknowledgedBeforeSigterm)
                {
                    enough.TrySetResult();
                }
            }
            catch (Exception e) when (e is AgentDbException or AgentDbConnectionException or TimeoutException)
            {
                failures.Add(e);
                return;
            }
        }
    }

    private static float[] VectorFor(string id)
    {
        var vector = new float[Dimension];
        var hash = (uint)StringComparer.Ordinal.GetHashCode(id) | 1;
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = (hash >> i) % 97;
        }
        return vector;
    }

    private static int Port(string readyLine)
    {
        var match = AgentDbProcessTests.ReadyAddresses().Match(readyLine);
        Assert.True(match.Success, readyLine);
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
