using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AgentDb.Client;
using AgentDb.Wire.Messages;

namespace AgentDb.Bench.Replication;

/// <summary>
/// Failover time: three <c>agentdb serve --cluster-node</c> processes on loopback (sync writes, W = 1, Raft election
/// timeout 150–300 ms), one client writing UPSERTs one at a time to the primary; SIGKILL of the primary; the time from
/// the kill to the first write acknowledged by another member (the client looks for the primary by polling STATS
/// <c>cluster.primary</c> on the survivors, as a NOT_PRIMARY-following client would). Fresh data directories per trial.
/// Baseline of the same run: the sync write's acknowledgement latency before the kill.
/// Run: <c>AgentDb.Bench.dll replication failover [--trials N] [--root DIR]</c>.
/// </summary>
internal static class FailoverBenchmark
{
    private const int Nodes = 3;

    public static async Task<int> RunAsync(string[] args)
    {
        int trials = 10;
        string root = Path.Combine(Path.GetTempPath(), "agentdb-failover-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--trials" when i + 1 < args.Length: trials = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--root" when i + 1 < args.Length: root = args[++i]; break;
                default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
            }
        }

        var failover = new List<double>();
        var acks = new List<double>();
        for (int trial = 0; trial < trials; trial++)
        {
            string directory = Path.Combine(root, $"trial{trial}");
            var processes = new Process?[Nodes];
            try
            {
                int[] ports = FreePorts(3 * Nodes);
                string config = Path.Combine(directory, "cluster.json");
                Directory.CreateDirectory(directory);
                await File.WriteAllTextAsync(config, """{ "replication": { "syncReplicas": 1, "syncTimeoutMs": 2000 } }""");
                for (int n = 0; n < Nodes; n++)
                {
                    processes[n] = await StartAsync(directory, config, ports, n);
                }
                int primary = await WaitForPrimaryAsync(ports, processes);
                await using (var setup = await ConnectAsync(ports[primary]))
                {
                    await RetryAsync(async () =>
                    {
                        try
                        {
                            await setup.CreateCollectionAsync("bench", 4, VectorMetric.Cosine);
                        }
                        catch (AgentDbException e) when (e.Code == ErrorCode.BadRequest && e.Message.Contains("already exists", StringComparison.Ordinal))
                        {
                            // applied by an earlier attempt that was answered NOT_REPLICATED
                        }
                    });
                }

                await using (var client = await ConnectAsync(ports[primary]))
                {
                    for (int i = 0; i < 200; i++)
                    {
                        long t0 = Stopwatch.GetTimestamp();
                        await RetryAsync(() => client.UpsertAsync("bench", $"pre{i}", new float[] { 1, i, 2, 3 }, ReadOnlyMemory<byte>.Empty));
                        acks.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                    }
                }

                long killedAt = Stopwatch.GetTimestamp();
                processes[primary]!.Kill();
                processes[primary]!.WaitForExit();
                double elapsed = await FirstWriteAfterAsync(ports, processes, primary, killedAt);
                failover.Add(elapsed);
                Console.WriteLine($"trial {trial + 1}: primary {primary} killed; first write acknowledged after {elapsed:N0} ms");
            }
            finally
            {
                foreach (var process in processes)
                {
                    Stop(process);
                }
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }

        Console.WriteLine($"# baseline: sync write (W = 1) ack before the kill p50 {Percentile(acks, 0.50):N2} ms, p99 {Percentile(acks, 0.99):N2} ms ({acks.Count} writes)");
        Console.WriteLine($"failover SIGKILL → first acknowledged write: p50 {Percentile(failover, 0.50):N0} ms, p90 {Percentile(failover, 0.90):N0} ms, max {Percentile(failover, 1.0):N0} ms, min {failover.Min():N0} ms ({failover.Count} trials)");
        return 0;
    }

    /// <summary>Writes to whichever survivor reports itself primary until one write is acknowledged; the time since the kill.</summary>
    private static async Task<double> FirstWriteAfterAsync(int[] ports, Process?[] processes, int killed, long killedAt)
    {
        var deadline = Stopwatch.StartNew();
        int attempt = 0;
        // Bounded by 60 s.
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            for (int n = 0; n < Nodes; n++)
            {
                if (n == killed || processes[n] is null)
                {
                    continue;
                }
                try
                {
                    await using var client = await AgentDbClient.ConnectAsync("127.0.0.1", ports[n], null,
                        new AgentDbClientOptions { RequestTimeout = TimeSpan.FromSeconds(3), ConnectTimeout = TimeSpan.FromSeconds(1) });
                    await client.UpsertAsync("bench", $"post{attempt++}", new float[] { 1, 2, 3, 4 }, ReadOnlyMemory<byte>.Empty);
                    return Stopwatch.GetElapsedTime(killedAt).TotalMilliseconds;
                }
                catch (Exception e) when (e is AgentDbException or IOException or SocketException or TimeoutException or OperationCanceledException)
                {
                    // not the primary yet (NOT_PRIMARY), or not replicated yet: try the next member
                }
            }
            await Task.Delay(2);
        }
        throw new TimeoutException("no member acknowledged a write within 60 s of the kill");
    }

    private static async Task<int> WaitForPrimaryAsync(int[] ports, Process?[] processes)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            for (int n = 0; n < Nodes; n++)
            {
                try
                {
                    await using var client = await ConnectAsync(ports[n]);
                    foreach (var (key, value) in await client.StatsAsync())
                    {
                        if (key == "cluster.primary" && value == 1)
                        {
                            return n;
                        }
                    }
                }
                catch (Exception e) when (e is AgentDbException or IOException or SocketException)
                {
                }
            }
            await Task.Delay(20);
        }
        _ = processes;
        throw new TimeoutException("no primary within 60 s");
    }

    private static async Task RetryAsync(Func<Task> write)
    {
        for (int i = 0; ; i++)
        {
            try
            {
                await write();
                return;
            }
            catch (AgentDbException e) when (i < 100 && e.Code is ErrorCode.NotReplicated or ErrorCode.NotPrimary)
            {
                await Task.Delay(50);
            }
        }
    }

    private static Task<AgentDbClient> ConnectAsync(int port) =>
        AgentDbClient.ConnectAsync("127.0.0.1", port, null, new AgentDbClientOptions { RequestTimeout = TimeSpan.FromSeconds(10) });

    private static async Task<Process> StartAsync(string directory, string config, int[] ports, int node)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "agentdb.dll"));
        var peers = new List<string>();
        for (int n = 0; n < Nodes; n++)
        {
            if (n != node)
            {
                peers.Add($"127.0.0.1:{ports[(2 * Nodes) + n]}");
            }
        }
        foreach (var arg in new[]
        {
            "serve", "--data", Path.Combine(directory, $"node{node}"), "--port", ports[node].ToString(CultureInfo.InvariantCulture),
            "--http-port", ports[Nodes + node].ToString(CultureInfo.InvariantCulture), "--config", config, "--embedder", "hashing",
            "--cluster-node", $"127.0.0.1:{ports[(2 * Nodes) + node]}", "--cluster-peers", string.Join(',', peers),
        })
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment.Remove("AGENTDB_API_KEYS");
        var process = Process.Start(info) ?? throw new InvalidOperationException("agentdb did not start");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        // Bounded by the process's output: the ready line comes first.
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("agentdb ready:", StringComparison.Ordinal))
            {
                _ = process.StandardOutput.ReadToEndAsync();
                return process;
            }
        }
        throw new InvalidOperationException($"agentdb node {node} exited before its ready line");
    }

    private static void Stop(Process? process)
    {
        if (process is null)
        {
            return;
        }
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        process.Dispose();
    }

    private static int[] FreePorts(int count)
    {
        var listeners = new TcpListener[count];
        var ports = new int[count];
        for (int i = 0; i < count; i++)
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

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }
        values.Sort();
        return values[Math.Min(values.Count - 1, (int)(p * values.Count))];
    }
}
