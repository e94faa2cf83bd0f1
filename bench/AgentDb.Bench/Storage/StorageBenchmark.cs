using System.Diagnostics;
using System.Globalization;
using AgentDb.Kernels;
using AgentDb.Log;
using MessagePack;
using RocksDbSharp;

namespace AgentDb.Bench.Storage;

/// <summary>
/// A timed harness (not BenchmarkDotNet: a durability mode's cost is an fsync per commit, which BDN's many short
/// invocations would neither amortise nor report as latency percentiles). Ingests 384-dim records through
/// <see cref="AgentDatabase"/> in batches of 1, 100 and 1000 in each durability mode, reports records/s and the
/// p50/p99 latency of each acknowledged write call, point Get ops/s, and a bare RocksDB WriteBatch baseline.
/// Run: <c>dotnet run -c Release --project bench/AgentDb.Bench -- storage [--root DIR] [--quick]</c>.
/// </summary>
internal static class StorageBenchmark
{
    private const int Dimension = 384;
    private const string Collection = "bench";

    public static int Run(string[] args)
    {
        string root = Path.Combine(Path.GetTempPath(), "agentdb-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        bool quick = false;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--root" && i + 1 < args.Length)
            {
                root = args[++i];
            }
            else if (args[i] == "--quick")
            {
                quick = true;
            }
        }

        Directory.CreateDirectory(root);
        try
        {
            var data = new RecordSet(quick ? 6_000 : 30_000, seed: 42);
            Console.WriteLine($"# Storage ingest: {Dimension}-dim float32 records, ~{data.Payloads[0].Length} B MessagePack payload, id ~12 B");
            Console.WriteLine($"# {Environment.ProcessorCount} cores, .NET {Environment.Version}, SIMD {Distance.ActivePath}, root {root}");
            Console.WriteLine();

            Ingest(root, data, DurabilityMode.None, 1, 300, recordStoreWal: false, warmup: true);
            Console.WriteLine("| engine | mode | batch | writers | records | records/s | p50 ms | p99 ms | managed alloc B/record |");
            Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (DurabilityMode mode in new[] { DurabilityMode.Sync, DurabilityMode.Group, DurabilityMode.None })
            {
                foreach (int batch in new[] { 1, 100, 1000 })
                {
                    int records = batch == 1
                        ? (mode == DurabilityMode.None ? data.Count : (quick ? 500 : 2_000))
                        : data.Count;
                    Ingest(root, data, mode, batch, records, recordStoreWal: false, warmup: false);
                }
            }

            // Concurrency is what group commit is for: many writers share one fsync.
            IngestConcurrent(root, data, DurabilityMode.Group, writers: 16, quick ? 2_000 : 8_000);
            IngestConcurrent(root, data, DurabilityMode.Sync, writers: 16, quick ? 2_000 : 8_000);

            // RocksDB's own WAL: off (default) or on. The FASTER log is the durable WAL either way.
            Ingest(root, data, DurabilityMode.None, 1, data.Count, recordStoreWal: true, warmup: false);
            Ingest(root, data, DurabilityMode.None, 1000, data.Count, recordStoreWal: true, warmup: false);
            Ingest(root, data, DurabilityMode.Sync, 1, quick ? 500 : 2_000, recordStoreWal: true, warmup: false);

            foreach (int batch in new[] { 1, 100, 1000 })
            {
                RocksBaseline(root, data, batch, disableWal: false, sync: false);
            }

            RocksBaseline(root, data, 1, disableWal: false, sync: true, records: quick ? 500 : 2_000);
            RocksBaseline(root, data, 1000, disableWal: true, sync: false);

            Console.WriteLine();
            PointGets(root, data, quick ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(3));
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        return 0;
    }

    private static void Ingest(string root, RecordSet data, DurabilityMode mode, int batchSize, int records, bool recordStoreWal, bool warmup)
    {
        string path = Path.Combine(root, Guid.NewGuid().ToString("N"));
        var latencies = new List<double>(records / batchSize + 1);
        Stopwatch total;
        long allocatedBefore;
        long allocated;
        using (var db = AgentDatabase.Open(path, new AgentDatabaseOptions { Durability = mode, RecordStoreWal = recordStoreWal, CheckpointLogBytes = 0 }))
        {
            db.CreateCollection(Collection, Dimension, DistanceMetric.Cosine);
            var batch = new RecordBatch();
            allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            total = Stopwatch.StartNew();
            for (int start = 0; start < records; start += batchSize)
            {
                int end = Math.Min(records, start + batchSize);
                long began = Stopwatch.GetTimestamp();
                if (batchSize == 1)
                {
                    db.Upsert(Collection, data.Ids[start], data.Payloads[start], data.Vector(start));
                }
                else
                {
                    batch.Clear();
                    for (int i = start; i < end; i++)
                    {
                        batch.Upsert(Collection, data.Ids[i], data.Payloads[i], data.Vector(i));
                    }

                    db.Batch(batch);
                }

                latencies.Add(Stopwatch.GetElapsedTime(began).TotalMilliseconds);
            }

            total.Stop();
            allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore - (latencies.Count * 8L);
        }

        Directory.Delete(path, recursive: true);
        if (!warmup)
        {
            Report("AgentDatabase" + (recordStoreWal ? " (RocksDB WAL on)" : string.Empty), mode.ToString(), batchSize, 1, records, total.Elapsed, latencies, allocated / (double)records);
        }
    }

    private static void IngestConcurrent(string root, RecordSet data, DurabilityMode mode, int writers, int records)
    {
        string path = Path.Combine(root, Guid.NewGuid().ToString("N"));
        var latencies = new List<double>(records);
        Stopwatch total;
        using (var db = AgentDatabase.Open(path, new AgentDatabaseOptions { Durability = mode, CheckpointLogBytes = 0 }))
        {
            db.CreateCollection(Collection, Dimension, DistanceMetric.Cosine);
            int next = -1;
            total = Stopwatch.StartNew();
            Task[] tasks = new Task[writers];
            for (int w = 0; w < writers; w++)
            {
                tasks[w] = Task.Run(async () =>
                {
                    var mine = new List<double>();
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < records)
                    {
                        long began = Stopwatch.GetTimestamp();
                        await db.UpsertAsync(Collection, data.Ids[i], data.Payloads[i], data.VectorMemory(i)).ConfigureAwait(false);
                        mine.Add(Stopwatch.GetElapsedTime(began).TotalMilliseconds);
                    }

                    lock (latencies)
                    {
                        latencies.AddRange(mine);
                    }
                });
            }

            Task.WaitAll(tasks);
            total.Stop();
        }

        Directory.Delete(path, recursive: true);
        Report("AgentDatabase (UpsertAsync)", mode.ToString(), 1, writers, records, total.Elapsed, latencies);
    }

    private static void RocksBaseline(string root, RecordSet data, int batchSize, bool disableWal, bool sync, int records = 0)
    {
        records = records == 0 ? data.Count : records;
        string path = Path.Combine(root, Guid.NewGuid().ToString("N"));
        var latencies = new List<double>(records / batchSize + 1);
        var options = new DbOptions().SetCreateIfMissing(true);
        var writeOptions = new WriteOptions().SetSync(sync);
        if (disableWal)
        {
            writeOptions.DisableWal(1);
        }

        byte[] value = new byte[48 + data.Payloads[0].Length + (Dimension * 4) + 64];
        Stopwatch total;
        using (RocksDb db = RocksDb.Open(options, path))
        using (var batch = new WriteBatch())
        {
            total = Stopwatch.StartNew();
            for (int start = 0; start < records; start += batchSize)
            {
                int end = Math.Min(records, start + batchSize);
                long began = Stopwatch.GetTimestamp();
                batch.Clear();
                for (int i = start; i < end; i++)
                {
                    // The same bytes our record store writes: a 48-byte header, the payload, the vector.
                    byte[] payload = data.Payloads[i];
                    payload.CopyTo(value, 48);
                    System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.Vector(i)).CopyTo(value.AsSpan(48 + payload.Length));
                    batch.Put(System.Text.Encoding.UTF8.GetBytes(data.Ids[i]), value.AsSpan(0, 48 + payload.Length + (Dimension * 4)).ToArray());
                }

                db.Write(batch, writeOptions);
                latencies.Add(Stopwatch.GetElapsedTime(began).TotalMilliseconds);
            }

            total.Stop();
        }

        Directory.Delete(path, recursive: true);
        string engine = "bare RocksDB WriteBatch" + (disableWal ? " (WAL off)" : sync ? " (WAL, sync=true)" : " (WAL, sync=false)");
        Report(engine, "-", batchSize, 1, records, total.Elapsed, latencies);
    }

    private static void PointGets(string root, RecordSet data, TimeSpan duration)
    {
        string path = Path.Combine(root, Guid.NewGuid().ToString("N"));
        using (var db = AgentDatabase.Open(path, new AgentDatabaseOptions { Durability = DurabilityMode.None, CheckpointLogBytes = 0 }))
        {
            db.CreateCollection(Collection, Dimension, DistanceMetric.Cosine);
            var batch = new RecordBatch();
            for (int start = 0; start < data.Count; start += 1000)
            {
                batch.Clear();
                for (int i = start; i < Math.Min(data.Count, start + 1000); i++)
                {
                    batch.Upsert(Collection, data.Ids[i], data.Payloads[i], data.Vector(i));
                }

                db.Batch(batch);
            }

            db.Checkpoint(); // memtables flushed: reads come from SST files (and the block cache)
            Console.WriteLine("| point Get | threads | ops | ops/s | p50 µs | p99 µs |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|");
            foreach (int threads in new[] { 1, 2 })
            {
                long ops = 0;
                var latencies = new List<double>();
                var clock = Stopwatch.StartNew();
                Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
                {
                    var random = new Random(t);
                    var mine = new List<double>();
                    long count = 0;
                    while (clock.Elapsed < duration)
                    {
                        long began = Stopwatch.GetTimestamp();
                        if (db.Get(Collection, data.Ids[random.Next(data.Count)]) is null)
                        {
                            throw new InvalidOperationException("a record is missing");
                        }

                        if ((count & 15) == 0)
                        {
                            mine.Add(Stopwatch.GetElapsedTime(began).TotalMicroseconds);
                        }

                        count++;
                    }

                    Interlocked.Add(ref ops, count);
                    lock (latencies)
                    {
                        latencies.AddRange(mine);
                    }
                });
                double seconds = clock.Elapsed.TotalSeconds;
                latencies.Sort();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| AgentDatabase.Get ({data.Count} records, 384-dim) | {threads} | {ops} | {ops / seconds:N0} | {Percentile(latencies, 0.50):F1} | {Percentile(latencies, 0.99):F1} |"));
            }
        }

        Directory.Delete(path, recursive: true);
    }

    private static void Report(string engine, string mode, int batch, int writers, int records, TimeSpan elapsed, List<double> latencies, double allocatedPerRecord = double.NaN)
    {
        latencies.Sort();
        string allocation = double.IsNaN(allocatedPerRecord) ? "-" : allocatedPerRecord.ToString("F0", CultureInfo.InvariantCulture);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {engine} | {mode} | {batch} | {writers} | {records} | {records / elapsed.TotalSeconds:N0} | {Percentile(latencies, 0.50):F3} | {Percentile(latencies, 0.99):F3} | {allocation} |"));
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    /// <summary>Pre-generated ids, payloads and vectors so generation is not timed.</summary>
    private sealed class RecordSet
    {
        private readonly float[] _vectors;

        public RecordSet(int count, int seed)
        {
            Count = count;
            Ids = new string[count];
            Payloads = new byte[count][];
            _vectors = new float[count * Dimension];
            var random = new Random(seed);
            for (int i = 0; i < count; i++)
            {
                Ids[i] = "mem-" + i.ToString("D8", CultureInfo.InvariantCulture);
                Payloads[i] = MessagePackSerializer.Serialize(new Dictionary<string, object>
                {
                    ["namespace"] = "agent-" + (i % 8).ToString(CultureInfo.InvariantCulture),
                    ["session"] = "s-" + (i % 100).ToString(CultureInfo.InvariantCulture),
                    ["tags"] = new[] { "t" + (i % 5).ToString(CultureInfo.InvariantCulture), "bench" },
                    ["text"] = "a short memory text of a typical agent observation",
                });
            }

            for (int i = 0; i < _vectors.Length; i++)
            {
                _vectors[i] = (float)((random.NextDouble() * 2) - 1);
            }
        }

        public int Count { get; }

        public string[] Ids { get; }

        public byte[][] Payloads { get; }

        public ReadOnlySpan<float> Vector(int i) => _vectors.AsSpan(i * Dimension, Dimension);

        public ReadOnlyMemory<float> VectorMemory(int i) => _vectors.AsMemory(i * Dimension, Dimension);
    }
}
