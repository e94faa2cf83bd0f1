using System.Diagnostics;
using System.Globalization;
using AgentDb.Kernels;
using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Bench.Server;

/// <summary>
/// <c>agentdb bench server</c>: the server over TCP (GET, UPSERT, SEARCH at each connection count × pipeline depth)
/// against the same operations called in process on the same database. See <see cref="ServerBenchOptions.Usage"/>.
/// </summary>
internal static class ServerBenchCommand
{
    private const string Collection = "bench";
    private const int MaxWarmupRounds = 50;

    /// <summary>
    /// The least time the wire warm-up lasts. The server compiles its hot path while it warms up (tiered compilation
    /// promotes a method after its first calls, in the background, and once more with its profile): a tenth of the run
    /// alone (50 ms for 600,000 GETs at depth 16) left the compilation in the measured run, which then showed twice the
    /// steady state's CPU per GET. Redis, beside it in bench/server/run.sh, has nothing to compile.
    /// </summary>
    private static readonly TimeSpan s_minWireWarmup = TimeSpan.FromSeconds(2);

    /// <summary>The payload every record carries: <c>{"v": "xyz"}</c>, about the size of redis-benchmark's 3-byte value.</summary>
    private static readonly byte[] s_payload = [0x81, 0xA1, (byte)'v', 0xA3, (byte)'x', (byte)'y', (byte)'z'];

    /// <summary>Runs the benchmark with the arguments after <c>agentdb bench server</c>.</summary>
    /// <returns>0 after a run, 1 when it failed, 2 for bad arguments.</returns>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter log)
    {
        if (!ServerBenchOptions.TryParse(args, out var options, out var error))
        {
            log.WriteLine($"agentdb bench server: {error}");
            log.WriteLine();
            log.Write(ServerBenchOptions.Usage);
            return ExitCode.Usage;
        }
        if (options.HelpRequested)
        {
            output.Write(ServerBenchOptions.Usage);
            return ExitCode.Success;
        }
        try
        {
            RunAsync(options, output, log).GetAwaiter().GetResult();
            return ExitCode.Success;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or System.Net.Sockets.SocketException)
        {
            log.WriteLine($"agentdb bench server: error: {e.Message}");
            return ExitCode.Failure;
        }
    }

    private static async Task RunAsync(ServerBenchOptions options, TextWriter output, TextWriter log)
    {
        var directory = Directory.CreateTempSubdirectory("agentdb-bench-server-").FullName;
        try
        {
            var random = new Random(options.Seed);
            var queries = RandomVectors(random, 256, options.Dimension);
            var rows = new List<Row>();
            var databaseDirectory = Path.Combine(directory, Hosting.ServeCommand.DatabaseDirectoryName);
            if (options.InProcessServer)
            {
                // One database serves both sides, so each baseline runs right before its wire run: on a shared machine
                // the two see the same load.
                using var database = AgentDatabase.Open(databaseDirectory);
                log.WriteLine($"agentdb bench server: loading {options.Records} records of dimension {options.Dimension} (cosine) ...");
                Load(database, options, random);
                await using var server = await BenchServer.StartOnAsync(database, options, log).ConfigureAwait(false);
                LogServer(server, "in-process", log);
                foreach (var op in options.Operations)
                {
                    foreach (var connections in options.Connections)
                    {
                        foreach (var depth in options.Pipelines)
                        {
                            if (op != "ping")
                            {
                                rows.Add(await RunInProcessAsync(database, op, options, queries).ConfigureAwait(false));
                                log.WriteLine($"  {Describe(rows[^1])}");
                            }
                            rows.Add(await RunWireAsync(server, op, connections, depth, options, queries).ConfigureAwait(false));
                            log.WriteLine($"  {Describe(rows[^1])}");
                        }
                    }
                }
            }
            else
            {
                using (var database = AgentDatabase.Open(databaseDirectory))
                {
                    log.WriteLine($"agentdb bench server: loading {options.Records} records of dimension {options.Dimension} (cosine) ...");
                    Load(database, options, random);
                    // The baseline: the same operations on the same data, called in process (no network, no protocol).
                    foreach (var op in options.Operations)
                    {
                        if (op != "ping") // the protocol's floor: nothing to compare in process
                        {
                            rows.Add(await RunInProcessAsync(database, op, options, queries).ConfigureAwait(false));
                            log.WriteLine($"  {Describe(rows[^1])}");
                        }
                    }
                }
                await using var server = await BenchServer.StartAsync(directory, options).ConfigureAwait(false);
                LogServer(server, "child-process", log);
                foreach (var op in options.Operations)
                {
                    foreach (var connections in options.Connections)
                    {
                        foreach (var depth in options.Pipelines)
                        {
                            rows.Add(await RunWireAsync(server, op, connections, depth, options, queries).ConfigureAwait(false));
                            log.WriteLine($"  {Describe(rows[^1])}");
                        }
                    }
                }
            }
            rows.Sort(static (a, b) => string.CompareOrdinal(a.Op, b.Op));
            Write(rows, options.Csv, output);
        }
        finally
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: the temp folder is cleaned by the OS eventually.
            }
        }
    }

    private static void LogServer(BenchServer server, string kind, TextWriter log) =>
        log.WriteLine($"agentdb bench server: {kind} server on {server.EndPoint}; kernels {Distance.ActivePath}; " +
            $"{Environment.ProcessorCount} processors shared by server and load generator");

    /// <summary>One operation in process: a warm-up run (a tenth, unrecorded), then the measured run.</summary>
    private static async Task<Row> RunInProcessAsync(AgentDatabase database, string op, ServerBenchOptions options, float[][] queries)
    {
        var requests = op == "search" ? options.SearchRequests : options.Requests;
        if (op == "upsert")
        {
            var concurrency = MaxOf(options.Connections) * MaxOf(options.Pipelines);
            _ = await RunInProcessWritesAsync(database, options, Warmup(requests, concurrency), concurrency).ConfigureAwait(false);
            return new Row("agentdb-inprocess", op, concurrency, 0,
                await RunInProcessWritesAsync(database, options, requests, concurrency).ConfigureAwait(false));
        }
        _ = RunInProcessReads(database, op, options, Warmup(requests, options.Threads), queries);
        return new Row("agentdb-inprocess", op, options.Threads, 0, RunInProcessReads(database, op, options, requests, queries));
    }

    /// <summary>One operation over TCP at one connection count and depth: warm-up runs (at least a tenth of the requests and
    /// <see cref="s_minWireWarmup"/>), then the measured run.</summary>
    /// <exception cref="IOException">A request was answered with an error.</exception>
    private static async Task<Row> RunWireAsync(
        BenchServer server, string op, int connections, int depth, ServerBenchOptions options, float[][] queries)
    {
        var requests = op == "search" ? options.SearchRequests : options.Requests;
        var frames = FramesFor(op, options, queries);
        TimeSpan? cpuBefore = null, cpuAfter = null;
        TimeSpan? systemBefore = null, systemAfter = null;
        TimeSpan clientBefore = TimeSpan.Zero, clientAfter = TimeSpan.Zero;
        // Warm-up rounds of a tenth of the run, for at least s_minWireWarmup, over the connections the measured round
        // then uses (no connection opens or closes during it); the counters are read between the two.
        var summary = await WireLoadGenerator.RunAsync(server.EndPoint, connections, depth, requests, frames,
            Warmup(requests, connections), s_minWireWarmup, MaxWarmupRounds, measuring: () =>
            {
                cpuBefore = server.CpuTime;
                systemBefore = server.SystemCpuTime;
                clientBefore = ProcessCpu();
            },
            measured: () =>
            {
                // Before the latencies are sorted: the sort is the report's, not the load's.
                clientAfter = ProcessCpu();
                cpuAfter = server.CpuTime;
                systemAfter = server.SystemCpuTime;
            }).ConfigureAwait(false);
        summary = summary with
        {
            ServerCpu = cpuAfter - cpuBefore,
            ServerSystemCpu = systemAfter - systemBefore,
            // Only with the server in a process of its own is this process's CPU the load generator's alone.
            ClientCpu = cpuBefore is null ? null : clientAfter - clientBefore,
        };
        if (summary.Errors > 0)
        {
            throw new IOException($"{summary.Errors} of {summary.Requests} {op} requests were answered with an error");
        }
        return new Row("agentdb", op, connections, depth, summary);
    }

    private static void Load(AgentDatabase database, ServerBenchOptions options, Random random)
    {
        database.CreateCollection(Collection, options.Dimension, DistanceMetric.Cosine);
        var vector = new float[options.Dimension];
        var batch = new RecordBatch();
        for (var i = 0; i < options.Records; i++)
        {
            FillUnit(random, vector);
            batch.Upsert(Collection, Key(i), s_payload, vector);
            if (batch.Count == 256 || i == options.Records - 1)
            {
                database.Batch(batch);
                batch.Clear();
            }
        }
    }

    /// <summary>The frames connection i cycles through: 256 requests over random keys (or queries), seeded by i.</summary>
    private static Func<int, byte[][]> FramesFor(string op, ServerBenchOptions options, float[][] queries) => connection =>
    {
        var random = new Random(options.Seed * 7919 + connection);
        var frames = new byte[256][];
        var vector = new float[options.Dimension];
        for (var i = 0; i < frames.Length; i++)
        {
            var key = Key(random.Next(options.Records));
            frames[i] = op switch
            {
                "get" => WireLoadGenerator.Encode(Opcode.Get, new GetRequest(Collection, key, false)),
                "ping" => WireLoadGenerator.Encode(Opcode.Ping, EmptyMessage.Instance),
                "upsert" => WireLoadGenerator.Encode(Opcode.Upsert, new UpsertRequest(Collection, key, FillUnit(random, vector), s_payload)),
                _ => WireLoadGenerator.Encode(Opcode.Search, new SearchRequest(
                    Collection, queries[random.Next(queries.Length)], options.K, 0, default, false, true)),
            };
        }
        return frames;
    };

    /// <summary>UPSERT with no network: <paramref name="concurrency"/> asynchronous writers (a write waits for its group
    /// commit, so a few threads would measure the commit interval, not the engine).</summary>
    private static async Task<LatencySummary> RunInProcessWritesAsync(
        AgentDatabase database, ServerBenchOptions options, long requests, int concurrency)
    {
        var latencies = new long[requests];
        var writers = new Task[concurrency];
        var cpu = ProcessCpu();
        var clock = Stopwatch.StartNew();
        for (var w = 0; w < concurrency; w++)
        {
            var from = requests * w / concurrency;
            var to = requests * (w + 1) / concurrency;
            var random = new Random(options.Seed * 31 + w);
            writers[w] = Task.Run(async () =>
            {
                var vector = new float[options.Dimension];
                for (var i = from; i < to; i++)
                {
                    var began = Stopwatch.GetTimestamp();
                    await database.UpsertAsync(Collection, Key(random.Next(options.Records)), s_payload, FillUnit(random, vector))
                        .ConfigureAwait(false);
                    latencies[i] = Stopwatch.GetTimestamp() - began;
                }
            });
        }
        await Task.WhenAll(writers).ConfigureAwait(false);
        return LatencySummary.From(latencies, 0, clock.Elapsed) with { ServerCpu = ProcessCpu() - cpu };
    }

    /// <summary>GET or SEARCH with no network: <see cref="ServerBenchOptions.Threads"/> threads, each its share of the
    /// requests.</summary>
    private static LatencySummary RunInProcessReads(AgentDatabase database, string op, ServerBenchOptions options, long requests, float[][] queries)
    {
        var threads = options.Threads;
        var latencies = new long[requests];
        var start = new Barrier(threads + 1);
        var workers = new Thread[threads];
        for (var t = 0; t < threads; t++)
        {
            var from = requests * t / threads;
            var to = requests * (t + 1) / threads;
            var seed = options.Seed * 31 + t;
            workers[t] = new Thread(() =>
            {
                var random = new Random(seed);
                start.SignalAndWait();
                for (var i = from; i < to; i++)
                {
                    var began = Stopwatch.GetTimestamp();
                    switch (op)
                    {
                        case "get":
                            database.TryGet(Collection, Key(random.Next(options.Records)), out _);
                            break;
                        default:
                            database.Search(Collection, queries[random.Next(queries.Length)], options.K);
                            break;
                    }
                    latencies[i] = Stopwatch.GetTimestamp() - began;
                }
            })
            { IsBackground = true, Name = $"bench-inprocess-{t}" };
            workers[t].Start();
        }
        var cpu = ProcessCpu();
        start.SignalAndWait();
        var clock = Stopwatch.StartNew();
        foreach (var worker in workers)
        {
            worker.Join();
        }
        return LatencySummary.From(latencies, 0, clock.Elapsed) with { ServerCpu = ProcessCpu() - cpu };
    }

    /// <summary>The size of the unrecorded warm-up run before each measured run: a tenth, at least one per worker.</summary>
    private static long Warmup(long requests, int workers) => Math.Max(requests / 10, workers);

    /// <summary>This process's CPU time so far: during an in-process run, the database's work (and little else).</summary>
    private static TimeSpan ProcessCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    private static string Key(int i) => string.Create(CultureInfo.InvariantCulture, $"key:{i:D8}");

    private static float[] FillUnit(Random random, float[] vector)
    {
        double norm = 0;
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = (float)(random.NextDouble() * 2 - 1);
            norm += vector[i] * (double)vector[i];
        }
        var scale = (float)(1 / Math.Sqrt(Math.Max(norm, 1e-12)));
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] *= scale;
        }
        return vector;
    }

    private static float[][] RandomVectors(Random random, int count, int dimension)
    {
        var vectors = new float[count][];
        for (var i = 0; i < count; i++)
        {
            vectors[i] = FillUnit(random, new float[dimension]);
        }
        return vectors;
    }

    private static int MaxOf(IReadOnlyList<int> values)
    {
        var max = 0;
        foreach (var value in values)
        {
            max = Math.Max(max, value);
        }
        return max;
    }

    private static string Describe(Row row) =>
        $"{row.System,-18} {row.Op,-7} c={row.Connections,-4} P={row.Pipeline,-3} {row.Summary.OpsPerSecond,12:N0} ops/s  " +
        $"p50 {Ms(row.Summary.P50)} ms  p99 {Ms(row.Summary.P99)} ms  p999 {Ms(row.Summary.P999)} ms  server CPU {CpuPerOp(row.Summary)} us/op" +
        (row.Summary.ServerSystemCpu is { } system ? $" ({system.TotalMicroseconds / row.Summary.Requests:F2} in the kernel)" : "") +
        (row.Summary.ClientCpu is { } client ? $"  client CPU {client.TotalMicroseconds / row.Summary.Requests:F2} us/op" : "");

    private static void Write(List<Row> rows, bool csv, TextWriter output)
    {
        if (csv)
        {
            foreach (var row in rows)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{row.System},{row.Op},{row.Connections},{row.Pipeline},{row.Summary.Requests},{row.Summary.OpsPerSecond:F0},{Ms(row.Summary.P50)},{Ms(row.Summary.P99)},{Ms(row.Summary.P999)},{CpuPerOp(row.Summary)},{PerOp(row.Summary.ClientCpu, row.Summary.Requests)}"));
            }
            return;
        }
        output.WriteLine("| system | op | connections | pipeline | requests | ops/s | p50 ms | p99 ms | p99.9 ms | server CPU µs/op | client CPU µs/op |");
        output.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var row in rows)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {row.System} | {row.Op} | {(row.Pipeline == 0 ? $"{row.Connections} {(row.Op == "upsert" ? "tasks" : "threads")}" : row.Connections.ToString(CultureInfo.InvariantCulture))} | {(row.Pipeline == 0 ? "-" : row.Pipeline.ToString(CultureInfo.InvariantCulture))} | {row.Summary.Requests} | {row.Summary.OpsPerSecond:N0} | {Ms(row.Summary.P50)} | {Ms(row.Summary.P99)} | {Ms(row.Summary.P999)} | {CpuPerOp(row.Summary)} | {PerOp(row.Summary.ClientCpu, row.Summary.Requests)} |"));
        }
    }

    private static string CpuPerOp(LatencySummary summary) => PerOp(summary.ServerCpu, summary.Requests);

    private static string PerOp(TimeSpan? cpu, long requests) => cpu is { } value
        ? (value.TotalMicroseconds / requests).ToString("F2", CultureInfo.InvariantCulture)
        : "-";

    private static string Ms(TimeSpan value) => value.TotalMilliseconds.ToString("F3", CultureInfo.InvariantCulture);

    private sealed record Row(string System, string Op, int Connections, int Pipeline, LatencySummary Summary);
}
