using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using AgentDb.Index;
using AgentDb.Kernels;
using AgentDb.Log;
using AgentDb.Memory;
using AgentDb.Memory.Caching;
using AgentDb.Memory.Embedding;
using AgentDb.Memory.Reflexion;
using AgentDb.Memory.Skills;
using AgentDb.Memory.Stores;

namespace AgentDb.Bench.Memory;

/// <summary>
/// A timed harness for the reflexion and skill controllers (issue 5), 384-dim caller-supplied vectors, <c>group</c>
/// durability: StoreEpisode one at a time; StoreEpisodes in batches of 1,000 interleaved batch by batch with raw
/// AgentDatabase.Batch of the same payloads and vectors (sequential ids, the controller's ids, and with one extra
/// vector-free record per episode) and with the controller's staging alone, over <c>--store-rounds</c> rounds of fresh
/// stores; RetrieveRelevant at each size, single thread, after the index backlog drained (PendingVectors 0), at each
/// <c>--ef</c>, interleaved query by query with the same retrieval without vectors and without the query cache, the raw
/// AgentDatabase.Search and the bare HNSW index search, with queries/s, p50/p99, bytes allocated and recall@10 against an
/// exact scan of the same vectors; SearchSkills over 10,000 skills.
/// Run: <c>dotnet run -c Release --project bench/AgentDb.Bench -- memory [--sizes 10000,100000] [--queries 1000]
/// [--ef 16,32,64,128] [--store-rounds 3] [--skip-store] [--minilm DIR] [--root DIR]</c>. Vectors: clustered Gaussian
/// (64 centres, spread 0.5, seed 42, like the ANN harness) unless <c>--minilm DIR</c> names a directory with
/// <c>base.fvecs</c>/<c>query.fvecs</c> (MiniLM embeddings of real text).
/// </summary>
internal static class MemoryBenchmark
{
    private const int Dimension = 384;
    private const int K = 10;
    private const string TaskRecordCollection = "bench.task-records";

    public static int Run(string[] args)
    {
        string root = Path.Combine(Path.GetTempPath(), "agentdb-membench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        int[] sizes = [10_000, 100_000];
        int queryCount = 1_000;
        int storeRounds = 3;
        bool skipStore = false;
        int[] efs = [16, 32, 64, 128];
        string? minilm = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--root" when i + 1 < args.Length:
                    root = args[++i];
                    break;
                case "--sizes" when i + 1 < args.Length:
                    sizes = Array.ConvertAll(args[++i].Split(','), s => int.Parse(s, CultureInfo.InvariantCulture));
                    break;
                case "--queries" when i + 1 < args.Length:
                    queryCount = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--skip-store":
                    skipStore = true;
                    break;
                case "--ef" when i + 1 < args.Length:
                    efs = Array.ConvertAll(args[++i].Split(','), s => int.Parse(s, CultureInfo.InvariantCulture));
                    break;
                case "--store-rounds" when i + 1 < args.Length:
                    storeRounds = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--minilm" when i + 1 < args.Length:
                    minilm = args[++i];
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'. Usage: memory [--sizes 10000,100000] [--queries 1000] [--ef 16,32,64,128] [--store-rounds 3] [--skip-store] [--minilm DIR] [--root DIR]");
            }
        }

        int largest = 0;
        foreach (int size in sizes)
        {
            largest = Math.Max(largest, size);
        }

        Directory.CreateDirectory(root);
        try
        {
            Vectors data = minilm is null ? Vectors.Clustered(Math.Max(largest, 20_000), queryCount, seed: 42) : Vectors.FromFvecs(minilm, Math.Max(largest, 20_000), queryCount);
            Console.WriteLine($"# Agent memory: reflexion and skills, {Dimension}-dim caller vectors ({data.Source}), group durability");
            Console.WriteLine($"# {Environment.ProcessorCount} cores, .NET {Environment.Version}, SIMD {Distance.ActivePath}, root {root}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load average {LoadAverage()}");
            Console.WriteLine();

            if (!skipStore)
            {
                Console.WriteLine("| store | batch | episodes | episodes/s | p50 ms | p99 ms |");
                Console.WriteLine("|---|---:|---:|---:|---:|---:|");
                StoreSingle(root, data, 2_000);
                // 19,000: below the 20,000 vectors at which a collection's index switches to HNSW (a graph build on all cores,
                // then one graph insert per record); the loads of the retrieval sections below measure past it.
                StoreBatchedInterleaved(root, data, 19_000, storeRounds);
                Console.WriteLine($"(load average {LoadAverage()})");
                Console.WriteLine();
            }

            foreach (int size in sizes)
            {
                Retrieval(root, data, size, efs);
            }

            SkillSearch(root, data, 10_000);
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

    private static (MemoryStores Stores, MemoryContext Context) Open(string root)
    {
        string path = Path.Combine(root, Guid.NewGuid().ToString("N"));
        MemoryStores stores = MemoryStores.Open(path, new MemoryStoreLayout(), CallerVectorsOnly.Instance.Name, Dimension,
            new AgentDatabaseOptions { Durability = DurabilityMode.Group, CheckpointLogBytes = 0 });
        return (stores, new MemoryContext(stores, CallerVectorsOnly.Instance, new QueryCache()));
    }

    private static Episode EpisodeOf(Vectors data, int i) => new()
    {
        SessionId = "s-" + (i % 100).ToString(CultureInfo.InvariantCulture),
        Task = "task " + (i % 5_000).ToString(CultureInfo.InvariantCulture),
        Input = "the input of a typical agent step",
        Output = "the output the agent produced for it",
        Critique = i % 3 == 0 ? "should have checked the edge case first" : null,
        Reward = (i % 101) / 100.0,
        Success = i % 4 != 0,
        LatencyMs = 100 + (i % 900),
        TokensUsed = 500 + (i % 1500),
        Tags = ["bench", (i % 2 == 0) ? "even" : "odd"],
        Vector = data.Base(i),
    };

    private static void StoreSingle(string root, Vectors data, int count)
    {
        (MemoryStores stores, MemoryContext context) = Open(root);
        using (stores)
        {
            var memory = new ReflexionMemory(context);
            var latencies = new List<double>(count);
            var total = Stopwatch.StartNew();
            for (int i = 0; i < count; i++)
            {
                long began = Stopwatch.GetTimestamp();
                memory.StoreEpisode(EpisodeOf(data, i));
                latencies.Add(Stopwatch.GetElapsedTime(began).TotalMilliseconds);
            }

            Report("ReflexionMemory.StoreEpisode", 1, count, total.Elapsed, latencies);
        }
    }

    private enum StoreMode
    {
        Controller,
        Raw,
        RawTaskHashIds,
        RawWithTaskRecord,
        StageOnly,
    }

    /// <summary>
    /// Batched stores of 1,000 episodes: the controller, the raw engine batch of the same payloads and vectors (with and
    /// without one small vector-free record per episode beside it, the cost of a per-episode task index) and the
    /// controller's staging alone. Each round writes <paramref name="count"/> episodes into fresh stores, one per mode,
    /// running the modes batch by batch in rotating order, so load changes on a shared machine hit all alike.
    /// </summary>
    private static void StoreBatchedInterleaved(string root, Vectors data, int count, int rounds)
    {
        StoreMode[] modes = [StoreMode.Controller, StoreMode.Raw, StoreMode.RawTaskHashIds, StoreMode.RawWithTaskRecord, StoreMode.StageOnly];
        var elapsed = new TimeSpan[modes.Length];
        var latencies = new List<double>[modes.Length];
        for (int m = 0; m < modes.Length; m++)
        {
            latencies[m] = new List<double>();
        }

        var episodes = new Episode[1_000];
        var batch = new RecordBatch();
        var payload = new System.Buffers.ArrayBufferWriter<byte>(512);
        for (int round = 0; round < rounds; round++)
        {
            var opened = new (MemoryStores Stores, MemoryContext Context, ReflexionMemory Memory)[modes.Length];
            try
            {
                for (int m = 0; m < modes.Length; m++)
                {
                    (MemoryStores stores, MemoryContext context) = Open(root);
                    opened[m] = (stores, context, new ReflexionMemory(context));
                    if (modes[m] == StoreMode.RawWithTaskRecord)
                    {
                        stores.Store(MemoryKind.Reflexion).CreateCollection(TaskRecordCollection, 1, DistanceMetric.Cosine);
                    }
                }

                for (int start = 0, b = 0; start < count; start += episodes.Length, b++)
                {
                    for (int j = 0; j < episodes.Length; j++)
                    {
                        episodes[j] = EpisodeOf(data, start + j);
                    }

                    for (int turn = 0; turn < modes.Length; turn++)
                    {
                        int m = (turn + b + round) % modes.Length;
                        StoreMode mode = modes[m];
                        AgentDatabase store = opened[m].Stores.Store(MemoryKind.Reflexion);
                        long began = Stopwatch.GetTimestamp();
                        if (mode is StoreMode.Raw or StoreMode.RawTaskHashIds or StoreMode.RawWithTaskRecord)
                        {
                            batch.Clear();
                            for (int j = 0; j < episodes.Length; j++)
                            {
                                // Sequential ids, or the controller's (task hash first: random insert positions).
                                string id = mode == StoreMode.RawTaskHashIds
                                    ? EpisodeIds.NewId(EpisodeIds.TaskHash(episodes[j].Task))
                                    : "e" + (start + j).ToString("D8", CultureInfo.InvariantCulture);
                                payload.ResetWrittenCount();
                                EpisodeCodec.WriteEpisode(payload, episodes[j], 1_000);
                                batch.Upsert(ReflexionMemory.Collection, id, payload.WrittenSpan, episodes[j].Vector.Span);
                                if (mode == StoreMode.RawWithTaskRecord)
                                {
                                    payload.ResetWrittenCount();
                                    EpisodeCodec.WriteTaskEntry(payload, id, episodes[j], 1_000);
                                    batch.Upsert(TaskRecordCollection, "0123456789abcdef0123456789abcdef:" + id, payload.WrittenSpan);
                                }
                            }

                            store.Batch(batch);
                        }
                        else if (mode == StoreMode.StageOnly)
                        {
                            var writes = new MemoryWriteSet();
                            opened[m].Memory.StageEpisodes(writes, episodes);
                            writes.Clear();
                        }
                        else
                        {
                            opened[m].Memory.StoreEpisodes(episodes);
                        }

                        TimeSpan took = Stopwatch.GetElapsedTime(began);
                        elapsed[m] += took;
                        latencies[m].Add(took.TotalMilliseconds);
                    }
                }
            }
            finally
            {
                foreach ((MemoryStores stores, _, _) in opened)
                {
                    stores?.Dispose();
                }
            }
        }

        for (int m = 0; m < modes.Length; m++)
        {
            string name = modes[m] switch
            {
                StoreMode.Raw => "baseline: raw AgentDatabase.Batch, same payloads + vectors, sequential ids, interleaved",
                StoreMode.RawTaskHashIds => "baseline: raw AgentDatabase.Batch, same, the controller's task-hash-first ids, interleaved",
                StoreMode.RawWithTaskRecord => "baseline: raw AgentDatabase.Batch, same + one vector-free 80-byte record per episode, interleaved",
                StoreMode.StageOnly => "ReflexionMemory staging alone (validate, ids, encode; no commit), interleaved",
                _ => "ReflexionMemory.StoreEpisodes",
            };
            Report(name, 1_000, count * rounds, elapsed[m], latencies[m]);
        }
    }

    private static void Retrieval(string root, Vectors data, int size, int[] efs)
    {
        (MemoryStores stores, MemoryContext context) = Open(root);
        using (stores)
        {
            var memory = new ReflexionMemory(context);
            var indexOf = new Dictionary<string, int>(size, StringComparer.Ordinal);
            var episodes = new Episode[1_000];
            var load = Stopwatch.StartNew();
            TimeSpan afterSwitch = TimeSpan.Zero;
            for (int start = 0; start < size; start += episodes.Length)
            {
                int n = Math.Min(episodes.Length, size - start);
                Episode[] chunk = n == episodes.Length ? episodes : new Episode[n];
                for (int j = 0; j < n; j++)
                {
                    chunk[j] = EpisodeOf(data, start + j);
                }

                long began = Stopwatch.GetTimestamp();
                IReadOnlyList<string> ids = memory.StoreEpisodes(chunk);
                if (start >= 20_000)
                {
                    afterSwitch += Stopwatch.GetElapsedTime(began);
                }

                for (int j = 0; j < n; j++)
                {
                    indexOf[ids[j]] = start + j;
                }
            }

            load.Stop();
            string loaded = string.Create(CultureInfo.InvariantCulture,
                $"## {size:N0} episodes: loaded with StoreEpisodes (batches of 1,000) in {load.Elapsed.TotalSeconds:F1} s = {size / load.Elapsed.TotalSeconds:N0} episodes/s");
            string past = size > 20_000
                ? string.Create(CultureInfo.InvariantCulture, $"; past the 20,000-vector HNSW switch: {(size - 20_000) / afterSwitch.TotalSeconds:N0} episodes/s")
                : string.Empty;
            Console.WriteLine(loaded + past);

            int[][] truth = ExactTopK(data, size);
            AgentDatabase store = stores.Store(MemoryKind.Reflexion);
            WaitForIndex(store);
            TieredVectorIndex bareIndex = store.IndexOf(ReflexionMemory.Collection);
            var uncached = new ReflexionMemory(new MemoryContext(stores, CallerVectorsOnly.Instance, new QueryCache(new QueryCacheOptions { Enabled = false })));
            var hits = new VectorSearchHit[K];

            // Warm-up on the first 100 queries, then drop the cache so every timed query is a miss.
            for (int q = 0; q < Math.Min(100, data.QueryCount); q++)
            {
                memory.RetrieveRelevant(data.QueryMemory(q), new EpisodeRetrievalOptions { K = K });
                store.Search(ReflexionMemory.Collection, data.Query(q), K);
                bareIndex.Search(data.Query(q), K, hits, null, AgentDatabase.DefaultSearchEf);
            }

            Console.WriteLine("| query path | queries | q/s | p50 µs | p99 µs | recall@10 |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|");
            foreach (int ef in efs)
            {
                context.Cache.Clear();
                var options = new EpisodeRetrievalOptions { K = K, Ef = ef };
                var noVectors = options with { IncludeVectors = false };
                RunInterleaved(
                    data,
                    truth,
                    indexOf,
                    ($"ReflexionMemory.RetrieveRelevant (k 10, ef {ef}, cache miss)", q => IdsOf(memory.RetrieveRelevant(data.QueryMemory(q), options))),
                    ($"RetrieveRelevant, IncludeVectors false (k 10, ef {ef}, cache miss), interleaved", q => IdsOf(memory.RetrieveRelevant(data.QueryMemory(q), noVectors))),
                    ($"RetrieveRelevant, query cache disabled (k 10, ef {ef}), interleaved", q => IdsOf(uncached.RetrieveRelevant(data.QueryMemory(q), options))),
                    ($"baseline: raw AgentDatabase.Search (k 10, ef {ef}), interleaved", q => IdsOf(store.Search(ReflexionMemory.Collection, data.Query(q), K, null, ef))),
                    ($"baseline: bare index search, no record reads (k 10, ef {ef}), interleaved", q =>
                    {
                        bareIndex.Search(data.Query(q), K, hits, null, ef);
                        return null;
                    }));
            }

            context.Cache.Clear();
            var plain = new EpisodeRetrievalOptions { K = K };
            RunQueries("ReflexionMemory.RetrieveRelevant (ef 64), cache-warming pass", data, truth, indexOf, q => IdsOf(memory.RetrieveRelevant(data.QueryMemory(q), plain)));
            RunQueries("ReflexionMemory.RetrieveRelevant, same queries again (cache hit)", data, truth, indexOf, q => IdsOf(memory.RetrieveRelevant(data.QueryMemory(q), plain)));
            var successes = new EpisodeRetrievalOptions { K = K, Outcome = EpisodeOutcome.SuccessesOnly, MinReward = 0.5 };
            RunQueries("RetrieveRelevant, successes with reward ≥ 0.5 (≈37% pass; recall vs unfiltered truth n/a)", data, null, indexOf, q => IdsOf(memory.RetrieveRelevant(data.QueryMemory(q), successes)));
            var certified = new EpisodeRetrievalOptions { K = K, WithCertificate = true };
            RunQueries("RetrieveRelevant with certificate (ef 64)", data, truth, indexOf, q => IdsOf(memory.RetrieveRelevant(data.QueryMemory(q), certified)));

            Console.WriteLine($"(load average {LoadAverage()})");
            var stats = Stopwatch.StartNew();
            int statCalls = 0;
            for (int t = 0; t < 1_000; t++)
            {
                memory.GetTaskStats("task " + t.ToString(CultureInfo.InvariantCulture));
                statCalls++;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"GetTaskStats over {size / 5_000} episodes per task: {statCalls / stats.Elapsed.TotalSeconds:N0} calls/s (cache miss)"));
            Console.WriteLine();
        }
    }

    private static void SkillSearch(string root, Vectors data, int count)
    {
        (MemoryStores stores, MemoryContext context) = Open(root);
        using (stores)
        {
            var library = new SkillLibrary(context);
            for (int start = 0; start < count; start += 1_000)
            {
                var writes = new MemoryWriteSet();
                for (int i = start; i < Math.Min(count, start + 1_000); i++)
                {
                    library.StageUpsertSkill(writes, new Skill
                    {
                        Name = "skill-" + i.ToString("D6", CultureInfo.InvariantCulture),
                        Description = "a skill of the benchmark",
                        Signature = "f(x)",
                        Code = "return x * 2;",
                        SuccessRate = (i % 100) / 100.0,
                        Uses = i % 50,
                        Vector = data.Base(i),
                    });
                }

                writes.Commit(context.Cache, requireSingleStore: true);
            }

            AgentDatabase store = stores.Store(MemoryKind.Skills);
            Console.WriteLine($"## Skill search over {count:N0} skills (k 5)");
            Console.WriteLine("| query path | queries | q/s | p50 µs | p99 µs | recall@10 |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|");
            for (int q = 0; q < Math.Min(100, data.QueryCount); q++)
            {
                library.SearchSkills(data.QueryMemory(q), new SkillSearchOptions { K = 5 });
            }

            context.Cache.Clear();
            var plain = new SkillSearchOptions { K = 5 };
            RunPaired(
                "SkillLibrary.SearchSkills (cache miss)",
                "baseline: raw AgentDatabase.Search (k 5), same queries interleaved",
                data,
                null,
                null,
                q => { library.SearchSkills(data.QueryMemory(q), plain); return []; },
                q => { store.Search(SkillLibrary.Collection, data.Query(q), 5); return []; });
            var filtered = new SkillSearchOptions { K = 5, MinSuccessRate = 0.8 };
            RunQueries("SearchSkills, success rate ≥ 0.8 (20% pass)", data, null, null, q => { library.SearchSkills(data.QueryMemory(q), filtered); return []; });
        }
    }

    /// <summary>
    /// Waits until the background indexer has linked every vector of every collection of <paramref name="store"/> into its
    /// graph (<see cref="CollectionStats.PendingVectors"/> 0), so queries measure the HNSW index and not an exact scan of
    /// the backlog. Prints how long that took.
    /// </summary>
    private static void WaitForIndex(AgentDatabase store)
    {
        var waited = Stopwatch.StartNew();
        long pending;
        do
        {
            pending = 0;
            foreach (CollectionStats collection in store.GetStats().Collections)
            {
                pending += collection.PendingVectors;
            }

            if (pending > 0)
            {
                Thread.Sleep(100);
            }
        }
        while (pending > 0);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Index backlog drained (PendingVectors 0 in every collection) {waited.Elapsed.TotalSeconds:F1} s after the load; load average {LoadAverage()}"));
    }

    /// <summary>The 1-minute load average (Linux), or "n/a".</summary>
    internal static string LoadAverage()
    {
        try
        {
            string text = File.ReadAllText("/proc/loadavg");
            return text[..text.IndexOf(' ', StringComparison.Ordinal)];
        }
        catch (IOException)
        {
            return "n/a";
        }
        catch (UnauthorizedAccessException)
        {
            return "n/a";
        }
    }

    /// <summary>
    /// Times several query paths on the same queries, each query running every path in rotating order, so load changes
    /// hit all alike. A path returning null has no recall (reported as –).
    /// </summary>
    private static void RunInterleaved(Vectors data, int[][]? truth, Dictionary<string, int>? indexOf, params (string Name, Func<int, string[]?> Query)[] paths)
    {
        var latencies = new List<double>[paths.Length];
        var recall = new double[paths.Length];
        var hasRecall = new bool[paths.Length];
        var allocated = new long[paths.Length];
        var gcPause = new TimeSpan[paths.Length];
        for (int p = 0; p < paths.Length; p++)
        {
            latencies[p] = new List<double>(data.QueryCount);
        }

        for (int q = 0; q < data.QueryCount; q++)
        {
            for (int turn = 0; turn < paths.Length; turn++)
            {
                int p = (turn + q) % paths.Length;
                long bytesBefore = GC.GetAllocatedBytesForCurrentThread();
                TimeSpan pauseBefore = GC.GetTotalPauseDuration();
                long began = Stopwatch.GetTimestamp();
                string[]? ids = paths[p].Query(q);
                latencies[p].Add(Stopwatch.GetElapsedTime(began).TotalMicroseconds);
                gcPause[p] += GC.GetTotalPauseDuration() - pauseBefore;
                allocated[p] += GC.GetAllocatedBytesForCurrentThread() - bytesBefore;
                if (ids is not null)
                {
                    hasRecall[p] = true;
                    recall[p] += Recall(ids, truth, indexOf, q);
                }
            }
        }

        for (int p = 0; p < paths.Length; p++)
        {
            string name = string.Create(CultureInfo.InvariantCulture,
                $"{paths[p].Name} [{allocated[p] / data.QueryCount:N0} B and {gcPause[p].TotalMicroseconds / data.QueryCount:F0} µs GC pause per query]");
            ReportQueries(name, data.QueryCount, latencies[p], truth is null || !hasRecall[p] ? double.NaN : recall[p] / data.QueryCount);
        }
    }

    /// <summary>Times two query paths on the same queries, alternating per query, so load changes hit both alike.</summary>
    private static void RunPaired(string nameA, string nameB, Vectors data, int[][]? truth, Dictionary<string, int>? indexOf, Func<int, string[]> a, Func<int, string[]> b)
    {
        var latA = new List<double>(data.QueryCount);
        var latB = new List<double>(data.QueryCount);
        double recallA = 0, recallB = 0;
        for (int q = 0; q < data.QueryCount; q++)
        {
            bool aFirst = (q & 1) == 0;
            for (int pass = 0; pass < 2; pass++)
            {
                bool runA = (pass == 0) == aFirst;
                long began = Stopwatch.GetTimestamp();
                string[] ids = runA ? a(q) : b(q);
                (runA ? latA : latB).Add(Stopwatch.GetElapsedTime(began).TotalMicroseconds);
                if (runA)
                {
                    recallA += Recall(ids, truth, indexOf, q);
                }
                else
                {
                    recallB += Recall(ids, truth, indexOf, q);
                }
            }
        }

        ReportQueries(nameA, data.QueryCount, latA, truth is null ? double.NaN : recallA / data.QueryCount);
        ReportQueries(nameB, data.QueryCount, latB, truth is null ? double.NaN : recallB / data.QueryCount);
    }

    private static double Recall(string[] ids, int[][]? truth, Dictionary<string, int>? indexOf, int q)
    {
        if (truth is null || indexOf is null)
        {
            return 0;
        }

        int found = 0;
        foreach (string id in ids)
        {
            if (indexOf.TryGetValue(id, out int index) && Array.IndexOf(truth[q], index) >= 0)
            {
                found++;
            }
        }

        return found / (double)K;
    }

    /// <summary>Reports q/s as queries over the summed latencies (the time spent in the path itself).</summary>
    private static void ReportQueries(string name, int queries, List<double> latencies, double recall)
    {
        double sum = 0;
        foreach (double latency in latencies)
        {
            sum += latency;
        }

        latencies.Sort();
        string recallText = double.IsNaN(recall) ? "–" : recall.ToString("F4", CultureInfo.InvariantCulture);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {queries} | {queries / (sum / 1e6):N0} | {Percentile(latencies, 0.50):F0} | {Percentile(latencies, 0.99):F0} | {recallText} |"));
    }

    private static void RunQueries(string name, Vectors data, int[][]? truth, Dictionary<string, int>? indexOf, Func<int, string[]> query)
    {
        var latencies = new List<double>(data.QueryCount);
        double recallSum = 0;
        var total = Stopwatch.StartNew();
        for (int q = 0; q < data.QueryCount; q++)
        {
            long began = Stopwatch.GetTimestamp();
            string[] ids = query(q);
            latencies.Add(Stopwatch.GetElapsedTime(began).TotalMicroseconds);
            if (truth is not null && indexOf is not null)
            {
                int found = 0;
                foreach (string id in ids)
                {
                    if (indexOf.TryGetValue(id, out int index) && Array.IndexOf(truth[q], index) >= 0)
                    {
                        found++;
                    }
                }

                recallSum += found / (double)K;
            }
        }

        total.Stop();
        latencies.Sort();
        string recall = truth is null ? "–" : (recallSum / data.QueryCount).ToString("F4", CultureInfo.InvariantCulture);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {data.QueryCount} | {data.QueryCount / total.Elapsed.TotalSeconds:N0} | {Percentile(latencies, 0.50):F0} | {Percentile(latencies, 0.99):F0} | {recall} |"));
    }

    private static string[] IdsOf(EpisodeRetrieval retrieval)
    {
        var ids = new string[retrieval.Matches.Count];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = retrieval.Matches[i].Episode.Id!;
        }

        return ids;
    }

    private static string[] IdsOf(IReadOnlyList<SearchResult> results)
    {
        var ids = new string[results.Count];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = results[i].Record.Id;
        }

        return ids;
    }

    /// <summary>The exact top 10 of every query over the first <paramref name="size"/> base vectors (all normalised: cosine = dot).</summary>
    private static int[][] ExactTopK(Vectors data, int size)
    {
        var truth = new int[data.QueryCount][];
        Parallel.For(0, data.QueryCount, q =>
        {
            ReadOnlySpan<float> query = data.Query(q);
            var best = new List<(float Score, int Index)>(K + 1);
            for (int i = 0; i < size; i++)
            {
                float score = TensorPrimitives.Dot(query, data.Base(i).Span);
                if (best.Count < K || score > best[^1].Score)
                {
                    int at = best.Count;
                    while (at > 0 && best[at - 1].Score < score)
                    {
                        at--;
                    }

                    best.Insert(at, (score, i));
                    if (best.Count > K)
                    {
                        best.RemoveAt(K);
                    }
                }
            }

            truth[q] = best.ConvertAll(b => b.Index).ToArray();
        });
        return truth;
    }

    private static void Report(string name, int batch, int count, TimeSpan elapsed, List<double> latencies)
    {
        latencies.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {batch} | {count} | {count / elapsed.TotalSeconds:N0} | {Percentile(latencies, 0.50):F3} | {Percentile(latencies, 0.99):F3} |"));
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    /// <summary>The benchmark supplies every vector; an embedding request is a bug in the harness.</summary>
    private sealed class CallerVectorsOnly : IEmbedder
    {
        public static readonly CallerVectorsOnly Instance = new();

        public string Name => "caller-vectors";

        public int Dimension => MemoryBenchmark.Dimension;

        public void Embed(string text, Span<float> destination) => throw new InvalidOperationException("The benchmark supplies every vector.");

        public void EmbedBatch(IReadOnlyList<string> texts, Span<float> destination) => throw new InvalidOperationException("The benchmark supplies every vector.");

        public void Dispose()
        {
        }
    }

    /// <summary>Base and query vectors, L2-normalised.</summary>
    private sealed class Vectors
    {
        private readonly float[] _base;
        private readonly float[] _queries;

        private Vectors(float[] baseVectors, float[] queries, string source)
        {
            _base = baseVectors;
            _queries = queries;
            Source = source;
            Normalise(_base);
            Normalise(_queries);
        }

        public string Source { get; }

        public int QueryCount => _queries.Length / Dimension;

        public ReadOnlyMemory<float> Base(int i) => _base.AsMemory(i * Dimension, Dimension);

        public ReadOnlySpan<float> Query(int q) => _queries.AsSpan(q * Dimension, Dimension);

        public ReadOnlyMemory<float> QueryMemory(int q) => _queries.AsMemory(q * Dimension, Dimension);

        /// <summary>Clustered Gaussian: 64 centres from N(0, 1), each vector a random centre plus N(0, 0.5²) noise.</summary>
        public static Vectors Clustered(int count, int queries, int seed)
        {
            var random = new Random(seed);
            var centres = new float[64 * Dimension];
            Gaussian(random, centres, 1.0);
            return new Vectors(Draw(new Random(random.Next()), centres, count), Draw(new Random(random.Next()), centres, queries), "clustered Gaussian, 64 centres, spread 0.5, seed 42");
        }

        public static Vectors FromFvecs(string directory, int count, int queries) =>
            new(ReadFvecs(Path.Combine(directory, "base.fvecs"), count), ReadFvecs(Path.Combine(directory, "query.fvecs"), queries), "MiniLM embeddings of real text from " + directory);

        private static float[] Draw(Random random, float[] centres, int count)
        {
            var data = new float[count * Dimension];
            for (int i = 0; i < count; i++)
            {
                Span<float> row = data.AsSpan(i * Dimension, Dimension);
                Gaussian(random, row, 0.5);
                ReadOnlySpan<float> centre = centres.AsSpan(random.Next(64) * Dimension, Dimension);
                for (int j = 0; j < Dimension; j++)
                {
                    row[j] += centre[j];
                }
            }

            return data;
        }

        private static void Gaussian(Random random, Span<float> values, double sigma)
        {
            for (int i = 0; i < values.Length; i += 2)
            {
                double radius = sigma * Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble()));
                double angle = 2.0 * Math.PI * random.NextDouble();
                values[i] = (float)(radius * Math.Cos(angle));
                if (i + 1 < values.Length)
                {
                    values[i + 1] = (float)(radius * Math.Sin(angle));
                }
            }
        }

        private static float[] ReadFvecs(string file, int count)
        {
            using var stream = File.OpenRead(file);
            using var reader = new BinaryReader(stream);
            long rows = stream.Length / (4 + (Dimension * 4));
            if (rows < count)
            {
                throw new InvalidDataException($"'{file}' holds {rows} vectors; {count} are needed.");
            }

            var data = new float[count * Dimension];
            for (int i = 0; i < count; i++)
            {
                int dimension = reader.ReadInt32();
                if (dimension != Dimension)
                {
                    throw new InvalidDataException($"'{file}' row {i} has dimension {dimension}, not {Dimension}.");
                }

                for (int j = 0; j < Dimension; j++)
                {
                    data[(i * Dimension) + j] = reader.ReadSingle();
                }
            }

            return data;
        }

        private static void Normalise(float[] data)
        {
            for (int offset = 0; offset < data.Length; offset += Dimension)
            {
                Span<float> row = data.AsSpan(offset, Dimension);
                float norm = TensorPrimitives.Norm(row);
                TensorPrimitives.Divide(row, norm, row);
            }
        }
    }
}
