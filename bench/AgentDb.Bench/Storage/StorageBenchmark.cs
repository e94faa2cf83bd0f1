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
/// Run: <c>dotnet run -c Release --project bench/AgentDb.Bench -- storage [--root DIR] [--quick] [--records N]
/// [--writers N] [--inflight N[,N...]] [--repeat N] [--rows goal,hnsw,modes,concurrent,recordstore-wal,baselines,gets]</c>.
/// </summary>
internal static class StorageBenchmark
{
    private const int Dimension = 384;
    private const string Collection = "bench";
    private const string AllRows = "goal,log,hnsw,modes,concurrent,recordstore-wal,baselines,gets";

    // Process CPU time (all threads: writers, committer, RocksDB's background work) when the current row's clock started.
    private static TimeSpan s_rowCpu;
    private static double s_lastCpuPerRecord;

    public static int Run(string[] args)
    {
        string root = Path.Combine(Path.GetTempPath(), "agentdb-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        bool quick = false;
        int records = 200_000;
        int goalWriters = 2;
        int[] inFlights = [4, 16];
        int repeat = 1;
        string rows = AllRows;
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
            else if (args[i] == "--records" && i + 1 < args.Length)
            {
                records = int.Parse(args[++i], CultureInfo.InvariantCulture);
            }
            else if (args[i] == "--writers" && i + 1 < args.Length)
            {
                goalWriters = int.Parse(args[++i], CultureInfo.InvariantCulture);
            }
            else if (args[i] == "--repeat" && i + 1 < args.Length)
            {
                repeat = int.Parse(args[++i], CultureInfo.InvariantCulture);
            }
            else if (args[i] == "--inflight" && i + 1 < args.Length)
            {
                inFlights = Array.ConvertAll(args[++i].Split(','), v => int.Parse(v, CultureInfo.InvariantCulture));
            }
            else if (args[i] == "--rows" && i + 1 < args.Length)
            {
                rows = args[++i];
            }
            else
            {
                Console.Error.WriteLine($"unknown argument '{args[i]}'; usage: storage [--root DIR] [--quick] [--records N] [--writers N] [--inflight N[,N...]] [--repeat N] [--rows {AllRows}]");
                return 2;
            }
        }

        var selected = new HashSet<string>(rows.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.OrdinalIgnoreCase);
        foreach (string row in selected)
        {
            if (!AllRows.Split(',').Contains(row, StringComparer.OrdinalIgnoreCase))
            {
                Console.Error.WriteLine($"unknown row group '{row}'; choose from {AllRows}");
                return 2;
            }
        }

        Directory.CreateDirectory(root);
        try
        {
            var data = new RecordSet(quick ? 20_000 : records, seed: 42);
            int singles = quick ? 500 : 2_000;
            Console.WriteLine($"# Storage ingest: {Dimension}-dim float32 records, ~{data.Payloads[0].Length} B MessagePack payload, id ~12 B, {data.Count} records per run");
            Console.WriteLine($"# {Environment.ProcessorCount} cores, .NET {Environment.Version}, SIMD {Distance.ActivePath}, root {root}, rows {string.Join(',', selected)}");
            Console.WriteLine("# index 'exact': the collection stays on the exact-scan tier (an append per vector; no HNSW build).");
            Console.WriteLine("# index 'tiered': the default (exact scan below 20,000 vectors, then HNSW: vectors queue in a backlog that is searched exactly, a background indexer links them into the graph).");
            Console.WriteLine();

            Ingest(root, data, DurabilityMode.None, 1, 300, recordStoreWal: false, hnsw: false, warmup: true);
            Ingest(root, data, DurabilityMode.None, 1000, Math.Min(data.Count, 20_000), recordStoreWal: false, hnsw: false, warmup: true);
            Console.WriteLine("| engine | index | mode | batch | writers | records | records/s | p50 ms | p99 ms | managed alloc B/record | CPU µs/record |");
            Console.WriteLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (int round = 0; round < repeat && selected.Contains("goal"); round++)
            {
                // The goal rows, one after the other in the same process: group mode, batches of 1,000.
                double single = Ingest(root, data, DurabilityMode.Group, 1000, data.Count, recordStoreWal: false, hnsw: false, warmup: false);
                double singleCpu = s_lastCpuPerRecord;
                double concurrent = IngestBatchesConcurrent(root, data, DurabilityMode.Group, 1000, goalWriters, hnsw: false);
                double concurrentCpu = s_lastCpuPerRecord;
                var pipelined = new double[inFlights.Length];
                var pipelinedCpu = new double[inFlights.Length];
                for (int p = 0; p < inFlights.Length; p++)
                {
                    pipelined[p] = IngestPipelined(root, data, DurabilityMode.Group, 1000, inFlights[p]);
                    pipelinedCpu[p] = s_lastCpuPerRecord;
                }

                double rocks = RocksBaseline(root, data, 1000, disableWal: false, sync: false);
                double rocksCpu = s_lastCpuPerRecord;

                // The floor of one synchronous writer in group mode: the same entries appended and group-committed by
                // the log alone, nothing applied. Its p50 is what each acknowledged batch must wait for at least.
                LogOnly(root, data, DurabilityMode.Group, 1000);
                Console.WriteLine();
                var goal1 = new System.Text.StringBuilder(string.Create(CultureInfo.InvariantCulture,
                    $"# goal 1 (>= 393,000 records/s, group, batch 1000): 1 writer {single:N0}/s ({Met(single >= 393_000)}); {goalWriters} writers {concurrent:N0}/s ({Met(concurrent >= 393_000)})"));
                var goal2 = new System.Text.StringBuilder(string.Create(CultureInfo.InvariantCulture,
                    $"# goal 2 (<= 1.5x bare RocksDB WriteBatch, WAL on, sync=false, batch 1000 = {rocks:N0}/s): 1 writer {rocks / single:F2}x ({Met(rocks / single <= 1.5)}); {goalWriters} writers {rocks / concurrent:F2}x ({Met(rocks / concurrent <= 1.5)})"));
                var cpu = new System.Text.StringBuilder(string.Create(CultureInfo.InvariantCulture,
                    $"# CPU per record against the baseline's {rocksCpu:F2} µs: 1 writer {singleCpu / rocksCpu:F2}x; {goalWriters} writers {concurrentCpu / rocksCpu:F2}x"));
                for (int p = 0; p < inFlights.Length; p++)
                {
                    goal1.Append(CultureInfo.InvariantCulture, $"; 1 writer, {inFlights[p]} BatchAsync in flight {pipelined[p]:N0}/s ({Met(pipelined[p] >= 393_000)})");
                    goal2.Append(CultureInfo.InvariantCulture, $"; 1 writer, {inFlights[p]} in flight {rocks / pipelined[p]:F2}x ({Met(rocks / pipelined[p] <= 1.5)})");
                    cpu.Append(CultureInfo.InvariantCulture, $"; 1 writer, {inFlights[p]} in flight {pipelinedCpu[p] / rocksCpu:F2}x");
                }

                Console.WriteLine(goal1);
                Console.WriteLine(goal2);
                Console.WriteLine(cpu);
                Console.WriteLine();
            }

            if (selected.Contains("log"))
            {
                // The write-ahead log alone: one writer appending entries the size of a 1,000-record batch.
                // Commit latency: one small entry per commit (Sync), then whole batches; each with FASTER's own commit
                // manager (a new file per commit) and ours (one file, two slots rewritten in place), alternately.
                int small = quick ? 500 : 2_000;
                for (int round = 0; round < 2; round++)
                {
                    LogOnly(root, data, DurabilityMode.Sync, 1, fasterCommitFiles: true, entries: small);
                    LogOnly(root, data, DurabilityMode.Sync, 1, fasterCommitFiles: false, entries: small);
                }

                LogOnly(root, data, DurabilityMode.Group, 1000, fasterCommitFiles: true);
                LogOnly(root, data, DurabilityMode.Group, 1000);
                LogOnly(root, data, DurabilityMode.Sync, 1000, fasterCommitFiles: true);
                LogOnly(root, data, DurabilityMode.Sync, 1000);
            }

            if (selected.Contains("hnsw"))
            {
                int hnswRecords = Math.Min(data.Count, quick ? 25_000 : 50_000);
                Ingest(root, data, DurabilityMode.Group, 1000, hnswRecords, recordStoreWal: false, hnsw: true, warmup: false);
                IngestBatchesConcurrent(root, data, DurabilityMode.Group, 1000, goalWriters, hnsw: true, hnswRecords);
            }

            if (selected.Contains("modes"))
            {
                foreach (DurabilityMode mode in new[] { DurabilityMode.Sync, DurabilityMode.Group, DurabilityMode.None })
                {
                    foreach (int batch in new[] { 1, 100, 1000 })
                    {
                        int count = batch == 1 && mode != DurabilityMode.None ? singles : data.Count;
                        Ingest(root, data, mode, batch, count, recordStoreWal: false, hnsw: false, warmup: false);
                    }
                }
            }

            if (selected.Contains("concurrent"))
            {
                // Concurrency is what group commit is for: many writers share one fsync.
                IngestConcurrent(root, data, DurabilityMode.Group, writers: 16, quick ? 2_000 : 8_000);
                IngestConcurrent(root, data, DurabilityMode.Sync, writers: 16, quick ? 2_000 : 8_000);
            }

            if (selected.Contains("recordstore-wal"))
            {
                // RocksDB's own WAL: off (default) or on. The FASTER log is the durable WAL either way.
                Ingest(root, data, DurabilityMode.None, 1, data.Count, recordStoreWal: true, hnsw: false, warmup: false);
                Ingest(root, data, DurabilityMode.None, 1000, data.Count, recordStoreWal: true, hnsw: false, warmup: false);
                Ingest(root, data, DurabilityMode.Sync, 1, singles, recordStoreWal: true, hnsw: false, warmup: false);
            }

            if (selected.Contains("baselines"))
            {
                foreach (int batch in new[] { 1, 100, 1000 })
                {
                    RocksBaseline(root, data, batch, disableWal: false, sync: false);
                }

                RocksBaseline(root, data, 1, disableWal: false, sync: true, records: singles);
                RocksBaseline(root, data, 1000, disableWal: true, sync: false);
            }

            if (selected.Contains("gets"))
            {
                Console.WriteLine();
                PointGets(root, data, quick ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(3));
            }
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

    private static AgentDatabaseOptions Options(DurabilityMode mode, bool hnsw, bool recordStoreWal = false) => new()
    {
        Durability = mode,
        RecordStoreWal = recordStoreWal,
        CheckpointLogBytes = 0,
        HnswThreshold = hnsw ? AgentDb.Index.TieredVectorIndex.DefaultHnswThreshold : int.MaxValue,
    };

    private static double Ingest(string root, RecordSet data, DurabilityMode mode, int batchSize, int records, bool recordStoreWal, bool hnsw, bool warmup)
    {
        string path = Path.Combine(root, Guid.NewGuid().ToString("N"));
        var latencies = new List<double>(records / batchSize + 1);
        Stopwatch total;
        long allocatedBefore;
        long allocated;
        (TimeSpan, long)? indexed;
        using (var db = AgentDatabase.Open(path, Options(mode, hnsw, recordStoreWal)))
        {
            db.CreateCollection(Collection, Dimension, DistanceMetric.Cosine);
            var batch = new RecordBatch();
            allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            total = Stopwatch.StartNew();
            s_rowCpu = CpuNow();
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
            indexed = hnsw ? WaitForIndex(db, total.Elapsed) : null;
        }

        Directory.Delete(path, recursive: true);
        if (warmup)
        {
            return 0;
        }

        double perSecond = Report("AgentDatabase" + (recordStoreWal ? " (RocksDB WAL on)" : string.Empty), hnsw ? "tiered" : "exact", mode.ToString(), batchSize, 1, records, total.Elapsed, latencies, allocated / (double)records);
        ReportIndexed(indexed, records);
        return perSecond;
    }

    /// <summary>
    /// After the last acknowledgement: waits until the background indexer has linked every vector into the graph and
    /// returns the time from the first write to then, with the largest backlog seen while waiting.
    /// </summary>
    private static (TimeSpan UntilIndexed, long BacklogAtLastAck)? WaitForIndex(AgentDatabase db, TimeSpan ingest)
    {
        long backlog = db.GetStats().Collections[0].PendingVectors;
        var wait = Stopwatch.StartNew();
        if (!db.IndexOf(Collection).WaitForIndexing(TimeSpan.FromMinutes(30)))
        {
            throw new InvalidOperationException("the background indexer did not finish within 30 minutes");
        }

        return (ingest + wait.Elapsed, backlog);
    }

    private static void ReportIndexed((TimeSpan UntilIndexed, long BacklogAtLastAck)? indexed, int records)
    {
        if (indexed is { } value)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"|   ↳ same row, until every vector is linked into the HNSW graph (backlog at the last ack: {value.BacklogAtLastAck:N0}) | tiered | | | | {records} | {records / value.UntilIndexed.TotalSeconds:N0} | | | |"));
        }
    }

    /// <summary>Several writers, each building and committing its own batches of the shared record sequence.</summary>
    private static double IngestBatchesConcurrent(string root, RecordSet data, DurabilityMode mode, int batchSize, int writers, bool hnsw, int records = 0)
    {
        records = records == 0 ? data.Count : records;
        string path = Path.Combine(root, Guid.NewGuid().ToString("N"));
        var latencies = new List<double>(records / batchSize + 1);
        Stopwatch total;
        (TimeSpan, long)? indexed;
        using (var db = AgentDatabase.Open(path, Options(mode, hnsw)))
        {
            db.CreateCollection(Collection, Dimension, DistanceMetric.Cosine);
            int next = -1;
            var threads = new Thread[writers];
            total = Stopwatch.StartNew();
            s_rowCpu = CpuNow();
            for (int w = 0; w < writers; w++)
            {
                threads[w] = new Thread(() =>
                {
                    var batch = new RecordBatch();
                    var mine = new List<double>();
                    int b;
                    while ((b = Interlocked.Increment(ref next)) * batchSize < records)
                    {
                        int start = b * batchSize;
                        int end = Math.Min(records, start + batchSize);
                        long began = Stopwatch.GetTimestamp();
                        batch.Clear();
                        for (int i = start; i < end; i++)
                        {
                            batch.Upsert(Collection, data.Ids[i], data.Payloads[i], data.Vector(i));
                        }

                        db.Batch(batch);
                        mine.Add(Stopwatch.GetElapsedTime(began).TotalMilliseconds);
                    }

                    lock (latencies)
                    {
                        latencies.AddRange(mine);
                    }
                });
                threads[w].Start();
            }

            foreach (Thread thread in threads)
            {
                thread.Join();
            }

            total.Stop();
            if (db.Count(Collection) != records)
            {
                throw new InvalidOperationException($"expected {records} records, found {db.Count(Collection)}");
            }

            indexed = hnsw ? WaitForIndex(db, total.Elapsed) : null;
        }

        Directory.Delete(path, recursive: true);
        double perSecond = Report("AgentDatabase, concurrent `Batch` writers", hnsw ? "tiered" : "exact", mode.ToString(), batchSize, writers, records, total.Elapsed, latencies);
        ReportIndexed(indexed, records);
        return perSecond;
    }

    private static string Met(bool met) => met ? "met" : "NOT met";

    /// <summary>
    /// One writer thread keeping up to <paramref name="inFlight"/> batches in flight with <see cref="AgentDatabase.BatchAsync"/>:
    /// it builds and appends the next batch while earlier ones wait for their group commit and are applied. Each batch
    /// is timed from building it to its acknowledgement.
    /// </summary>
    private static double IngestPipelined(string root, RecordSet data, DurabilityMode mode, int batchSize, int inFlight)
    {
        int records = data.Count;
        string path = Path.Combine(root, Guid.NewGuid().ToString("N"));
        var latencies = new List<double>(records / batchSize + 1);
        var pending = new Queue<(Task<long> Ack, long Began)>(inFlight);
        Stopwatch total;
        using (var db = AgentDatabase.Open(path, Options(mode, hnsw: false)))
        {
            db.CreateCollection(Collection, Dimension, DistanceMetric.Cosine);
            var batch = new RecordBatch();
            total = Stopwatch.StartNew();
            s_rowCpu = CpuNow();
            for (int start = 0; start < records; start += batchSize)
            {
                if (pending.Count == inFlight)
                {
                    (Task<long> oldest, long oldestBegan) = pending.Dequeue();
                    oldest.GetAwaiter().GetResult();
                    latencies.Add(Stopwatch.GetElapsedTime(oldestBegan).TotalMilliseconds);
                }

                long began = Stopwatch.GetTimestamp();
                batch.Clear();
                for (int i = start; i < Math.Min(records, start + batchSize); i++)
                {
                    batch.Upsert(Collection, data.Ids[i], data.Payloads[i], data.Vector(i));
                }

                pending.Enqueue((db.BatchAsync(batch).AsTask(), began)); // the batch is encoded into the log before this returns
            }

            while (pending.Count > 0)
            {
                (Task<long> oldest, long oldestBegan) = pending.Dequeue();
                oldest.GetAwaiter().GetResult();
                latencies.Add(Stopwatch.GetElapsedTime(oldestBegan).TotalMilliseconds);
            }

            total.Stop();
            if (db.Count(Collection) != records)
            {
                throw new InvalidOperationException($"expected {records} records, found {db.Count(Collection)}");
            }
        }

        Directory.Delete(path, recursive: true);
        return Report($"AgentDatabase, 1 writer, {inFlight} `BatchAsync` in flight", "exact", mode.ToString(), batchSize, 1, records, total.Elapsed, latencies);
    }

    private static void IngestConcurrent(string root, RecordSet data, DurabilityMode mode, int writers, int records)
    {
        string path = Path.Combine(root, Guid.NewGuid().ToString("N"));
        var latencies = new List<double>(records);
        Stopwatch total;
        using (var db = AgentDatabase.Open(path, Options(mode, hnsw: false)))
        {
            db.CreateCollection(Collection, Dimension, DistanceMetric.Cosine);
            int next = -1;
            total = Stopwatch.StartNew();
            s_rowCpu = CpuNow();
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
        Report("AgentDatabase, concurrent `UpsertAsync` writers", "exact", mode.ToString(), 1, writers, records, total.Elapsed, latencies);
    }

    private static double RocksBaseline(string root, RecordSet data, int batchSize, bool disableWal, bool sync, int records = 0)
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
            s_rowCpu = CpuNow();
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
        return Report(engine, "-", "-", batchSize, 1, records, total.Elapsed, latencies);
    }

    private static double LogOnly(string root, RecordSet data, DurabilityMode mode, int batchSize, bool fasterCommitFiles = false, int entries = 0)
    {
        string path = Path.Combine(root, Guid.NewGuid().ToString("N"));
        int entryBytes = batchSize * (40 + data.Ids[0].Length + data.Payloads[0].Length + (Dimension * 4));
        byte[] entry = new byte[entryBytes];
        new Random(7).NextBytes(entry);
        entries = entries == 0 ? data.Count / batchSize : entries;
        var latencies = new List<double>(entries);
        Stopwatch total;
        using (var log = FasterLogWriteAheadLog.Open(path, new WriteAheadLogOptions { Durability = mode, FasterCommitFiles = fasterCommitFiles }))
        {
            total = Stopwatch.StartNew();
            s_rowCpu = CpuNow();
            for (int i = 0; i < entries; i++)
            {
                long began = Stopwatch.GetTimestamp();
                log.Commit(log.Append(entry));
                latencies.Add(Stopwatch.GetElapsedTime(began).TotalMilliseconds);
            }

            total.Stop();
        }

        Directory.Delete(path, recursive: true);
        string manager = fasterCommitFiles ? "FASTER's commit files (before)" : "commit record in place";
        return Report($"FASTER log alone ({entryBytes:N0} B entries, {manager})", "-", mode.ToString(), batchSize, 1, entries * batchSize, total.Elapsed, latencies);
    }

    private static void PointGets(string root, RecordSet data, TimeSpan duration)
    {
        string path = Path.Combine(root, Guid.NewGuid().ToString("N"));
        using (var db = AgentDatabase.Open(path, Options(DurabilityMode.None, hnsw: false)))
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

    private static double Report(string engine, string index, string mode, int batch, int writers, int records, TimeSpan elapsed, List<double> latencies, double allocatedPerRecord = double.NaN)
    {
        latencies.Sort();
        double perSecond = records / elapsed.TotalSeconds;
        string allocation = double.IsNaN(allocatedPerRecord) ? "-" : allocatedPerRecord.ToString("F0", CultureInfo.InvariantCulture);
        double cpuPerRecord = (CpuNow() - s_rowCpu).TotalMicroseconds / records;
        s_lastCpuPerRecord = cpuPerRecord;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {engine} | {index} | {mode} | {batch} | {writers} | {records} | {perSecond:N0} | {Percentile(latencies, 0.50):F3} | {Percentile(latencies, 0.99):F3} | {allocation} | {cpuPerRecord:F2} |"));
        return perSecond;
    }

    private static TimeSpan CpuNow()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
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
