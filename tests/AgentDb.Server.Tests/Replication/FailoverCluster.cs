using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AgentDb.Client;
using AgentDb.Wire.Messages;
using static AgentDb.Server.Tests.Replication.ReplicationCluster;

namespace AgentDb.Server.Tests.Replication;

/// <summary>
/// Three <c>agentdb serve --cluster-node</c> processes on loopback with fixed free ports, <c>sync</c> writes (W = 1),
/// and the helpers the failover tests share: find the primary, write continuously following NOT_PRIMARY, kill, pause,
/// restart. Dispose kills every process still running and deletes the data.
/// </summary>
internal sealed class FailoverCluster : IDisposable
{
    public const string Collection = "docs";

    private readonly TempDirectory _root = new();
    private readonly int[] _ports;
    private readonly int[] _httpPorts;
    private readonly int[] _raftPorts;
    private readonly string _config;

    /// <param name="size">Members.</param>
    /// <param name="config">The members' config file (default: <c>sync</c> writes, W = 1).</param>
    public FailoverCluster(int size = 3, string config = """{ "replication": { "syncReplicas": 1, "syncTimeoutMs": 2000 } }""")
    {
        Size = size;
        var ports = FreePorts(3 * size);
        _ports = ports[..size];
        _httpPorts = ports[size..(2 * size)];
        _raftPorts = ports[(2 * size)..];
        Nodes = new AgentDbProcess?[size];
        _config = Path.Combine(_root.Path, "cluster.json");
        File.WriteAllText(_config, config);
    }

    public int Size { get; }

    public AgentDbProcess?[] Nodes { get; }

    public int Port(int node) => _ports[node];

    /// <summary>The body of member <paramref name="node"/>'s HTTP <paramref name="path"/> (/ready, /metrics).</summary>
    public async Task<string> HttpGetAsync(int node, string path)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return await http.GetStringAsync($"http://127.0.0.1:{_httpPorts[node]}{path}");
    }

    public string DataDirectory(int node) => Path.Combine(_root.Path, $"node{node}");

    /// <summary>Starts member <paramref name="node"/> (again, after a kill: same ports, same data) and waits for its ready line.</summary>
    public async Task StartAsync(int node)
    {
        Nodes[node]?.Dispose();
        var peers = new List<string>();
        for (var i = 0; i < Size; i++)
        {
            if (i != node)
            {
                peers.Add($"127.0.0.1:{_raftPorts[i]}");
            }
        }
        var process = AgentDbProcess.StartWithEnvironment(Environment(replica: true),
            "serve", "--data", DataDirectory(node), "--port", $"{_ports[node]}", "--http-port", $"{_httpPorts[node]}", "--config", _config,
            "--embedder", "hashing", "--cluster-node", $"127.0.0.1:{_raftPorts[node]}", "--cluster-peers", string.Join(',', peers));
        Nodes[node] = process;
        await process.WaitForLineAsync("agentdb ready:", WaitLimit);
    }

    public async Task StartAllAsync()
    {
        for (var i = 0; i < Size; i++)
        {
            await StartAsync(i);
        }
    }

    /// <summary>The member that reports itself primary (STATS <c>cluster.primary</c>), skipping <paramref name="except"/>; waits up to <see cref="ReplicationCluster.WaitLimit"/>.</summary>
    public async Task<int> WaitForPrimaryAsync(int except = -1)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < WaitLimit)
        {
            for (var i = 0; i < Size; i++)
            {
                if (i != except && Nodes[i] is not null && await TryStatAsync(i, "cluster.primary") == 1)
                {
                    return i;
                }
            }
            await Task.Delay(20);
        }
        Assert.Fail($"no primary within {WaitLimit}. {Output()}");
        return -1;
    }

    /// <summary>A STATS figure of member <paramref name="node"/>, or null when it does not answer within a second.</summary>
    public async Task<long?> TryStatAsync(int node, string name)
    {
        try
        {
            await using var client = await AgentDbClient.ConnectAsync("127.0.0.1", _ports[node], AdminKey,
                new AgentDbClientOptions { RequestTimeout = TimeSpan.FromSeconds(1), ConnectTimeout = TimeSpan.FromSeconds(1) });
            foreach (var (key, value) in await client.StatsAsync())
            {
                if (key == name)
                {
                    return value;
                }
            }
        }
        catch (Exception e) when (e is AgentDbException or IOException or SocketException or TimeoutException or OperationCanceledException)
        {
        }
        return null;
    }

    /// <summary>
    /// Creates the collection on the primary (retrying while replicas connect: W = 1 needs one), then waits until every
    /// running member has applied it, so that whichever member is elected next already has it (with W = 0 nothing else
    /// guarantees that).
    /// </summary>
    public async Task CreateCollectionAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var primary = await WaitForPrimaryAsync();
            try
            {
                await using var client = await ConnectAsync(_ports[primary]);
                try
                {
                    await client.CreateCollectionAsync(Collection, 3, VectorMetric.Cosine);
                }
                catch (AgentDbException e) when (e.Code == ErrorCode.BadRequest && e.Message.Contains("exists", StringComparison.OrdinalIgnoreCase))
                {
                    // applied by an earlier attempt answered NOT_REPLICATED
                }
                await WaitForAllAppliedAsync(await StatAsync(client, "lsn.applied"));
                return;
            }
            catch (Exception e) when (e is AgentDbException or IOException && deadline.Elapsed < WaitLimit)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Waits until every running member reports <c>lsn.applied</c> ≥ <paramref name="lsn"/>; fails after <see cref="ReplicationCluster.WaitLimit"/>.</summary>
    public async Task WaitForAllAppliedAsync(long lsn)
    {
        var deadline = Stopwatch.StartNew();
        for (var i = 0; i < Size; i++)
        {
            while (Nodes[i] is not null && (await TryStatAsync(i, "lsn.applied") ?? -1) < lsn)
            {
                if (deadline.Elapsed > WaitLimit)
                {
                    Assert.Fail($"member {i} did not apply LSN {lsn} within {WaitLimit}. {Output()}");
                }
                await Task.Delay(20);
            }
        }
    }

    /// <summary>Sends a SIGKILL (9), SIGSTOP (19) or SIGCONT (18) to member <paramref name="node"/>.</summary>
    public void Signal(int node, int signal) => Nodes[node]!.Signal(signal);

    public async Task KillAsync(int node)
    {
        Signal(node, 9);
        await Nodes[node]!.WaitForExitAsync(WaitLimit);
    }

    public string Output()
    {
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < Size; i++)
        {
            if (Nodes[i] is { } node)
            {
                text.Append($"\n--- node {i} stdout:\n{node.Stdout}--- node {i} stderr:\n{node.Stderr}");
            }
        }
        return text.ToString();
    }

    public void Dispose()
    {
        foreach (var node in Nodes)
        {
            if (node is not null)
            {
                try
                {
                    node.Signal(18); // a stopped process cannot be killed cleanly by everyone: wake it first
                }
                catch (InvalidOperationException)
                {
                }
                node.Dispose();
            }
        }
        _root.Dispose();
    }

    /// <summary>Ports free right now on 127.0.0.1 (held together while chosen, so all differ).</summary>
    public static int[] FreePorts(int count)
    {
        var listeners = new TcpListener[count];
        var ports = new int[count];
        for (var i = 0; i < count; i++)
        {
            listeners[i] = new TcpListener(IPAddress.Loopback, 0);
            listeners[i].Start();
            ports[i] = ((IPEndPoint)listeners[i].LocalEndpoint).Port;
        }
        foreach (var listener in listeners)
        {
            listener.Stop();
        }
        return ports;
    }
}
