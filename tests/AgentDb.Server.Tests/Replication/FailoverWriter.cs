using System.Collections.Concurrent;
using System.Diagnostics;
using AgentDb.Client;
using AgentDb.Wire.Messages;
using static AgentDb.Server.Tests.Replication.ReplicationCluster;

namespace AgentDb.Server.Tests.Replication;

/// <summary>
/// Writes <c>sync</c> upserts continuously to whichever member is primary, one at a time, each under a new id. A write
/// answered OK is acknowledged (recorded with the time and the member); NOT_PRIMARY, NOT_REPLICATED, a timeout or a lost
/// connection make it look for the primary again (the write's outcome is unknown; its id is still recorded as tried).
/// </summary>
internal sealed class FailoverWriter(FailoverCluster cluster) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _running;

    public ConcurrentQueue<(string Id, int Node, long At)> Acknowledged { get; } = new();

    public ConcurrentQueue<string> Tried { get; } = new();

    public int AcknowledgedCount => Acknowledged.Count;

    public void Start(int firstId) => _running = Task.Run(() => RunAsync(firstId, _stop.Token));

    /// <summary>Waits until <paramref name="count"/> writes are acknowledged in all (a hang guard, not a speed check).</summary>
    public async Task WaitForAcknowledgedAsync(int count)
    {
        var deadline = Stopwatch.StartNew();
        while (Acknowledged.Count < count)
        {
            if (deadline.Elapsed > WaitLimit)
            {
                Assert.Fail($"only {Acknowledged.Count} of {count} writes acknowledged within {WaitLimit}. {cluster.Output()}");
            }
            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null)
        {
            await _running;
        }
        _stop.Dispose();
    }

    private async Task RunAsync(int id, CancellationToken stop)
    {
        AgentDbClient? client = null;
        var node = -1;
        // Bounded by the stop token: each pass writes once or looks for the primary.
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (client is null)
                {
                    node = await FindPrimaryAsync(stop);
                    if (node < 0)
                    {
                        continue;
                    }
                    client = await AgentDbClient.ConnectAsync("127.0.0.1", cluster.Port(node), AdminKey,
                        new AgentDbClientOptions { RequestTimeout = TimeSpan.FromSeconds(3), ConnectTimeout = TimeSpan.FromSeconds(1) });
                }
                var name = $"w{id++}";
                Tried.Enqueue(name);
                await client.UpsertAsync(FailoverCluster.Collection, name, Vector(id), Payload(id));
                Acknowledged.Enqueue((name, node, Stopwatch.GetTimestamp()));
            }
            catch (Exception e) when (e is AgentDbException or IOException or TimeoutException or OperationCanceledException or System.Net.Sockets.SocketException)
            {
                if (client is not null)
                {
                    await client.DisposeAsync();
                    client = null;
                }
            }
        }
        if (client is not null)
        {
            await client.DisposeAsync();
        }
    }

    private async Task<int> FindPrimaryAsync(CancellationToken stop)
    {
        for (var i = 0; i < cluster.Size && !stop.IsCancellationRequested; i++)
        {
            if (cluster.Nodes[i] is { } process && !process.HasExited && await cluster.TryStatAsync(i, "cluster.primary") == 1)
            {
                return i;
            }
        }
        try
        {
            await Task.Delay(5, stop);
        }
        catch (OperationCanceledException)
        {
        }
        return -1;
    }
}
