using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using AgentDb.Client;
using AgentDb.Wire.Messages;

namespace AgentDb.Bench.Replication;

/// <summary>
/// Replication lag end to end: a primary and a replica <c>agentdb serve</c> as child processes on loopback; one client
/// writes UPSERTs to the primary at a fixed rate (paced per millisecond, pipelined); a sample of the writes (one at a
/// time, taken only while the sampler is idle) is polled with GET on the replica from the moment the primary
/// acknowledged it until the replica returns it: that interval is the lag. Baselines from the same run: the primary's
/// acknowledgement latency and one GET round trip on the replica (the lag's resolution).
/// The precise figure does not poll: the primary sends each batch with its entries' commit times and the replica records,
/// per entry, commit on the primary → visible on the replica into a histogram (STATS
/// <c>replication.commit_to_visible.*</c>); the harness reads it once the replica holds every write. Both servers' GC
/// counts and pause times (STATS <c>gc.*</c>) are printed too.
/// Run: <c>dotnet run -c Release --project bench/AgentDb.Bench -- replication [--rate N] [--seconds S] [--root DIR] [--baseline]
/// [--poll-pause-ms MS] [--server-env NAME=VALUE]…</c> (<c>--server-env</c> sets an environment variable of both servers, e.g.
/// <c>DOTNET_gcServer=1</c>).
/// </summary>
internal static partial class ReplicationLagBenchmark
{
    private const int Dimension = 16;
    private const int MaxInFlight = 512;
    private const int IdSpace = 10_000;

    private static long s_busyRetries;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length > 0 && args[0] == "failover")
        {
            return await FailoverBenchmark.RunAsync(args[1..]);
        }
        int rate = 10_000;
        int seconds = 10;
        bool withoutReplica = false;
        int pollPauseMs = 0;
        var serverEnvironment = new List<KeyValuePair<string, string>>();
        string root = Path.Combine(Path.GetTempPath(), "agentdb-repl-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rate" when i + 1 < args.Length: rate = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--seconds" when i + 1 < args.Length: seconds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--root" when i + 1 < args.Length: root = args[++i]; break;
                case "--baseline": withoutReplica = true; break;
                case "--poll-pause-ms" when i + 1 < args.Length: pollPauseMs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--server-env" when i + 1 < args.Length && args[i + 1].IndexOf('=', StringComparison.Ordinal) > 0:
                    var pair = args[++i];
                    var equals = pair.IndexOf('=', StringComparison.Ordinal);
                    serverEnvironment.Add(new(pair[..equals], pair[(equals + 1)..]));
                    break;
                default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
            }
        }

        Directory.CreateDirectory(root);
        Console.WriteLine($"# load average at start: {LoadAverage()}; server environment: {(serverEnvironment.Count == 0 ? "(default)" : string.Join(' ', serverEnvironment))}");
        Process? primary = null;
        Process? replica = null;
        try
        {
            if (withoutReplica)
            {
                (primary, int alonePort) = await StartAsync(Path.Combine(root, "alone"), null, serverEnvironment);
                await using var alone = await AgentDbClient.ConnectAsync("127.0.0.1", alonePort, null);
                await alone.CreateCollectionAsync("bench", Dimension, VectorMetric.Cosine);
                var (aloneRate, aloneAcks) = await WritePacedAsync(alone, rate, seconds, null);
                Console.WriteLine($"# baseline, the same load on a primary without replica: {aloneRate:N0} writes/s, ack p50 {Percentile(aloneAcks, 0.50):N0} µs, p99 {Percentile(aloneAcks, 0.99):N0} µs; {Gc(await alone.StatsAsync())}");
                Stop(primary);
            }
            (primary, int primaryPort) = await StartAsync(Path.Combine(root, "primary"), null, serverEnvironment);
            (replica, int replicaPort) = await StartAsync(Path.Combine(root, "replica"), $"127.0.0.1:{primaryPort}", serverEnvironment);
            var options = new AgentDbClientOptions { RequestTimeout = TimeSpan.FromSeconds(30) };
            await using var writer = await AgentDbClient.ConnectAsync("127.0.0.1", primaryPort, null, options);
            await using var reader = await AgentDbClient.ConnectAsync("127.0.0.1", replicaPort, null, options);
            await writer.CreateCollectionAsync("bench", Dimension, VectorMetric.Cosine);

            // Baseline: GET round trip on the replica (a miss, as most polls are).
            await Task.Delay(500);
            var getRoundTrip = new List<double>();
            for (int i = 0; i < 2000; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                try
                {
                    await reader.GetAsync("bench", "absent");
                }
                catch (AgentDbException e) when (e.Code == ErrorCode.NotFound)
                {
                }
                getRoundTrip.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
            }

            var lag = new List<double>();
            var samples = Channel.CreateBounded<(string Id, ulong Version, long AckedAt)>(1);
            int samplerBusy = 0;
            Task sampler = Task.Run(async () =>
            {
                await foreach (var (id, version, ackedAt) in samples.Reader.ReadAllAsync())
                {
                    // Bounded: the replica converges (a hang ends with the client's request timeout).
                    while (true)
                    {
                        try
                        {
                            if ((await reader.GetAsync("bench", id)).Version >= version)
                            {
                                break; // this write (or a later one of the id) is visible
                            }
                        }
                        catch (AgentDbException e) when (e.Code == ErrorCode.NotFound)
                        {
                        }

                        if (pollPauseMs > 0)
                        {
                            await Task.Delay(pollPauseMs); // the lag's resolution becomes ≈ the pause (timer granularity)
                        }
                    }
                    lag.Add(Stopwatch.GetElapsedTime(ackedAt).TotalMicroseconds);
                    Volatile.Write(ref samplerBusy, 0);
                }
            });

            long total = (long)rate * seconds;
            var (achieved, ackLatency) = await WritePacedAsync(writer, rate, seconds, (id, version, acked, n) =>
            {
                if (n % 20 == 0 && Interlocked.CompareExchange(ref samplerBusy, 1, 0) == 0)
                {
                    samples.Writer.TryWrite((id, version, acked));
                }
            });
            samples.Writer.Complete();
            await sampler;

            // The replica's own histogram: wait (bounded) until it recorded every write, then read it.
            IReadOnlyList<KeyValuePair<string, long>> replicaStats = [];
            for (int i = 0; i < 200; i++)
            {
                replicaStats = await reader.StatsAsync();
                if (Stat(replicaStats, "replication.commit_to_visible.count") >= total)
                {
                    break;
                }
                await Task.Delay(50);
            }
            var primaryStats = await writer.StatsAsync();

            Console.WriteLine($"# Replication lag: {total:N0} UPSERTs ({Dimension}-dim, Group durability on both) at a target of {rate:N0}/s for {seconds} s; {Environment.ProcessorCount} cores");
            Console.WriteLine($"achieved write rate      {achieved,12:N0} /s");
            Console.WriteLine($"primary ack latency      p50 {Percentile(ackLatency, 0.50),9:N0} µs   p99 {Percentile(ackLatency, 0.99),9:N0} µs   ({ackLatency.Count:N0} writes)");
            Console.WriteLine($"replica GET round trip   p50 {Percentile(getRoundTrip, 0.50),9:N0} µs   p99 {Percentile(getRoundTrip, 0.99),9:N0} µs   (baseline: the lag's resolution)");
            Console.WriteLine($"lag commit→visible (replica histogram, every entry) p50 {Stat(replicaStats, "replication.commit_to_visible.p50.us"),7:N0} µs   p90 {Stat(replicaStats, "replication.commit_to_visible.p90.us"),7:N0} µs   p99 {Stat(replicaStats, "replication.commit_to_visible.p99.us"),7:N0} µs   p99.9 {Stat(replicaStats, "replication.commit_to_visible.p999.us"),7:N0} µs   max {Stat(replicaStats, "replication.commit_to_visible.max.us"),9:N0} µs   ({Stat(replicaStats, "replication.commit_to_visible.count"):N0} entries)");
            Console.WriteLine($"  its parts p50 / p99: commit→sent (primary) {Stat(replicaStats, "replication.stage.commit_to_sent.p50.us"):N0} / {Stat(replicaStats, "replication.stage.commit_to_sent.p99.us"):N0} µs; " +
                $"sent→received {Stat(replicaStats, "replication.stage.sent_to_received.p50.us"):N0} / {Stat(replicaStats, "replication.stage.sent_to_received.p99.us"):N0} µs; " +
                $"received→visible (replica) {Stat(replicaStats, "replication.stage.received_to_visible.p50.us"):N0} / {Stat(replicaStats, "replication.stage.received_to_visible.p99.us"):N0} µs");
            Console.WriteLine($"  the replica's part p50 / p99: received→applying {Stat(replicaStats, "replication.stage.received_to_applying.p50.us"):N0} / {Stat(replicaStats, "replication.stage.received_to_applying.p99.us"):N0} µs; " +
                $"applying→visible (append, apply) {Stat(replicaStats, "replication.stage.applying_to_visible.p50.us"):N0} / {Stat(replicaStats, "replication.stage.applying_to_visible.p99.us"):N0} µs; " +
                $"then visible→durable (the replica's log commit, not in the lag) {Stat(replicaStats, "replication.stage.visible_to_durable.p50.us"):N0} / {Stat(replicaStats, "replication.stage.visible_to_durable.p99.us"):N0} µs");
            Console.WriteLine($"lag ack→visible (polling sampler, cross-check) p50 {Percentile(lag, 0.50),7:N0} µs   p99 {Percentile(lag, 0.99),9:N0} µs   max {Percentile(lag, 1.0),9:N0} µs   ({lag.Count:N0} samples)");
            Console.WriteLine($"primary: {Gc(primaryStats)}; BUSY answers retried by the writer: {Interlocked.Read(ref s_busyRetries):N0}");
            Console.WriteLine($"replica: {Gc(replicaStats)}");
            Console.WriteLine($"# load average at end: {LoadAverage()}");
            return 0;
        }
        finally
        {
            Stop(replica);
            Stop(primary);
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Writes rate × seconds UPSERTs paced per millisecond; returns the achieved rate and each acknowledgement's latency (µs).</summary>
    private static async Task<(double Rate, List<double> AckLatency)> WritePacedAsync(
        AgentDbClient writer, int rate, int seconds, Action<string, ulong, long, long>? onAck)
    {
        var ackLatency = new List<double>();
        var vector = new float[Dimension];
        byte[] payload = [0x81, 0xA1, (byte)'n', 0x01];
        using var slots = new SemaphoreSlim(MaxInFlight);
        long total = (long)rate * seconds;
        var pending = new List<Task>();
        long start = Stopwatch.GetTimestamp();
        long issued = 0;
        while (issued < total)
        {
            long due = Math.Min(total, (long)(Stopwatch.GetElapsedTime(start).TotalSeconds * rate));
            while (issued < due)
            {
                await slots.WaitAsync();
                long n = issued++;
                vector[(int)(n % Dimension)] = n;
                pending.Add(WriteAsync(n, vector.ToArray()));
            }
            await Task.Delay(1);
        }

        async Task WriteAsync(long n, float[] v)
        {
            try
            {
                // Ids cycle below the HNSW threshold: the collection stays on the exact tier, so the figures are the
                // log, the store and replication, not graph inserts (see BENCHMARKS.md, storage, "tiered").
                string id = "r" + (n % IdSpace).ToString(CultureInfo.InvariantCulture);
                long t0 = Stopwatch.GetTimestamp();
                UpsertResponse written;
                // Bounded: a BUSY is retried at most 1,000 times. The client waits for one of the server's in-flight
                // slots, but the server frees a slot only after queueing the response, so under load a new request can
                // arrive before the slot is free and be answered BUSY (ProtocolSession: Enqueue before FinishRequest).
                for (int attempt = 0; ; attempt++)
                {
                    try
                    {
                        written = await writer.UpsertAsync("bench", id, v, payload);
                        break;
                    }
                    catch (AgentDbException e) when (e.Code == ErrorCode.Busy && attempt < 1000)
                    {
                        Interlocked.Increment(ref s_busyRetries);
                        await Task.Yield();
                    }
                }
                long acked = Stopwatch.GetTimestamp();
                lock (ackLatency)
                {
                    ackLatency.Add(Stopwatch.GetElapsedTime(t0, acked).TotalMicroseconds);
                }
                onAck?.Invoke(id, written.Version, acked, n);
            }
            finally
            {
                slots.Release();
            }
        }

        await Task.WhenAll(pending);
        return (total / Stopwatch.GetElapsedTime(start).TotalSeconds, ackLatency);
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

    private static long Stat(IReadOnlyList<KeyValuePair<string, long>> stats, string name)
    {
        foreach (var (key, value) in stats)
        {
            if (key == name)
            {
                return value;
            }
        }
        return -1;
    }

    private static string Gc(IReadOnlyList<KeyValuePair<string, long>> stats) =>
        $"GC {(Stat(stats, "gc.server") == 1 ? "server" : "workstation")}: gen0 {Stat(stats, "gc.gen0")}, gen1 {Stat(stats, "gc.gen1")}, gen2 {Stat(stats, "gc.gen2")}, " +
        $"pauses {Stat(stats, "gc.pause.us") / 1000.0:N1} ms in total, {Stat(stats, "gc.allocated.bytes") / (1024.0 * 1024.0):N0} MiB allocated";

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Trim();
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static async Task<(Process Process, int Port)> StartAsync(string data, string? replicaOf, List<KeyValuePair<string, string>> environment)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "agentdb.dll"));
        foreach (var arg in new[] { "serve", "--data", data, "--port", "0", "--http-port", "0" })
        {
            info.ArgumentList.Add(arg);
        }
        if (replicaOf is not null)
        {
            info.ArgumentList.Add("--replica-of");
            info.ArgumentList.Add(replicaOf);
        }
        info.Environment.Remove("AGENTDB_API_KEYS");
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("agentdb did not start");
        // Bounded: the server prints its ready line or exits.
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            var match = ReadyLine().Match(line);
            if (match.Success)
            {
                _ = process.StandardOutput.ReadToEndAsync();
                return (process, int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
            }
        }
        throw new InvalidOperationException("agentdb exited before its ready line");
    }

    private static void Stop(Process? process)
    {
        if (process is { HasExited: false })
        {
            process.Kill();
            process.WaitForExit(10_000);
        }
        process?.Dispose();
    }

    [GeneratedRegex(@"protocol=127\.0\.0\.1:([0-9]+)")]
    private static partial Regex ReadyLine();
}
