using System.Diagnostics;
using AgentDb.Client;
using AgentDb.Wire.Messages;
using Xunit.Abstractions;
using static AgentDb.Server.Tests.Replication.ReplicationCluster;

namespace AgentDb.Server.Tests.Replication;

/// <summary>
/// The lease fences <c>async</c> writes too: a primary paused (SIGSTOP) past its lease and resumed acknowledges none of
/// the writes that reached it meanwhile, although it processes them before DotNext's lease timer has caught up.
/// </summary>
[Collection(nameof(FailoverClusterCollection))]
public sealed class FailoverLeaseProcessTests(ITestOutputHelper output)
{
    private const int Sigstop = 19;
    private const int Sigcont = 18;

    [Fact]
    public async Task AsyncWritesQueuedAtAPausedPrimary_AreNotAcknowledged_AfterItResumes()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // signal numbers are Linux's
        }
        using var cluster = new FailoverCluster(config: """{ "replication": { "syncReplicas": 0 } }""");
        await cluster.StartAllAsync();
        await cluster.CreateCollectionAsync();
        int old;
        AgentDbClient direct;
        var settle = Stopwatch.StartNew();
        while (true)
        {
            old = await cluster.WaitForPrimaryAsync();
            direct = await AgentDbClient.ConnectAsync("127.0.0.1", cluster.Port(old), AdminKey,
                new AgentDbClientOptions { RequestTimeout = TimeSpan.FromSeconds(20) });
            try
            {
                await direct.UpsertAsync(FailoverCluster.Collection, "before", Vector(1), Payload(1));
                break;
            }
            catch (AgentDbException e) when (e.Code == ErrorCode.NotPrimary && settle.Elapsed < WaitLimit)
            {
                await direct.DisposeAsync();
                await Task.Delay(100);
            }
        }
        await using var directLifetime = direct;

        cluster.Signal(old, Sigstop);
        // Sent while it is stopped: they wait in its socket and are processed the moment it resumes, racing the timer
        // that cancels DotNext's lease token.
        var queued = new List<(string Id, Task<UpsertResponse> Write)>();
        for (var i = 0; i < 40; i++)
        {
            var id = $"queued-{i}";
            queued.Add((id, direct.UpsertAsync(FailoverCluster.Collection, id, Vector(i), Payload(i))));
        }
        var next = await cluster.WaitForPrimaryAsync(except: old);
        await using (var onNext = await ConnectAsync(cluster.Port(next)))
        {
            await onNext.UpsertAsync(FailoverCluster.Collection, "new-epoch", Vector(2), Payload(2)); // the new epoch takes writes
        }
        cluster.Signal(old, Sigcont);

        var acknowledged = new List<string>();
        var refused = 0;
        foreach (var (id, write) in queued)
        {
            try
            {
                await write;
                acknowledged.Add(id);
            }
            catch (AgentDbException e) when (e.Code == ErrorCode.NotPrimary)
            {
                refused++;
            }
            catch (Exception e) when (e is AgentDbConnectionException or IOException)
            {
                refused++; // it closed the connection (an engine restart to resync): not acknowledged
            }
        }
        output.WriteLine($"old primary {old}: {refused} of {queued.Count} queued writes refused; acknowledged: {string.Join(", ", acknowledged)}");
        Assert.True(acknowledged.Count == 0,
            $"the resumed old primary {old} acknowledged {acknowledged.Count} async write(s) after its term ended: {string.Join(", ", acknowledged)}\n{cluster.Nodes[old]!.Stderr}");
    }
}
