using System.Diagnostics;
using System.Globalization;
using AgentDb.Kernels;
using AgentDb.Log;
using AgentDb.Memory;
using AgentDb.Memory.Caching;
using AgentDb.Memory.Causal;
using AgentDb.Memory.Embedding;
using AgentDb.Memory.Stores;

namespace AgentDb.Bench.Memory;

/// <summary>
/// A timed harness for causal memory (issue 5), single-threaded, query cache off (every query computed):
/// <list type="bullet">
/// <item>strongest-chain queries on a synthetic graph (default 100,000 edges over 20,000 memories, depth ≤ 4), for
/// random pairs (mostly unreachable: the whole depth-4 neighbourhood is searched) and for pairs joined by a random walk
/// of 1–4 edges; baseline: the same best-first search over an in-memory adjacency list built from the same edges;</item>
/// <item>causal recall at 10,000 episodes (384 dimensions, cosine) with 2 outgoing edges each, K = 10 and a candidate
/// pool of 40; baselines: the bare vector search for the same 40 candidates, and 40 bare prefix scans (the engine's
/// floor for reading the candidates' edges).</item>
/// </list>
/// Operations of one table run interleaved in 200 ms slices, so a noisy neighbour slows them alike; each row also
/// reports process CPU time per query (all threads, GC included), which moves less than wall time on a shared machine.
/// Run: <c>dotnet run -c Release --project bench/AgentDb.Bench -- causal [--root DIR] [--quick] [--shards N]</c>.
/// </summary>
internal static class CausalBenchmark
{
    private const int Dimension = 384;

    public static int Run(string[] args)
    {
        string root = Path.Combine(Path.GetTempPath(), "agentdb-causal-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        bool quick = false;
        int shards = 1;
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
            else if (args[i] == "--shards" && i + 1 < args.Length)
            {
                shards = int.Parse(args[++i], CultureInfo.InvariantCulture);
            }
        }

        TimeSpan duration = quick ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(4);
        Directory.CreateDirectory(root);
        try
        {
            Console.WriteLine($"# Causal memory: {Environment.ProcessorCount} cores, .NET {Environment.Version}, SIMD {Distance.ActivePath}, durability None, query cache off, 1 thread");
            Console.WriteLine();
            Chains(Path.Combine(root, "chain"), quick ? 20_000 : 100_000, quick ? 4_000 : 20_000, duration);
            Console.WriteLine();
            Recall(Path.Combine(root, "recall"), quick ? 2_000 : 10_000, shards, duration);
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

    private static (MemoryStores Stores, CausalMemory Causal, QueryCache Cache) Open(string path, MemoryStoreLayout layout)
    {
        MemoryStores stores = MemoryStores.Open(path, layout, "bench", Dimension, new AgentDatabaseOptions { Durability = DurabilityMode.None, CheckpointLogBytes = 0 });
        var cache = new QueryCache(new QueryCacheOptions { Enabled = false });
        var causal = new CausalMemory(new MemoryContext(stores, new NoEmbedder(), cache));
        return (stores, causal, cache);
    }

    private static void Chains(string path, int edgeCount, int nodeCount, TimeSpan duration)
    {
        var random = new Random(42);
        var from = new int[edgeCount];
        var to = new int[edgeCount];
        var confidence = new double[edgeCount];
        var adjacency = new List<(int To, double Confidence)>[nodeCount];
        for (int n = 0; n < nodeCount; n++)
        {
            adjacency[n] = new List<(int, double)>();
        }

        var seen = new HashSet<long>();
        for (int e = 0; e < edgeCount; e++)
        {
            int a;
            int b;
            do
            {
                a = random.Next(nodeCount);
                b = random.Next(nodeCount);
            }
            while (a == b || !seen.Add(((long)a * nodeCount) + b));
            from[e] = a;
            to[e] = b;
            confidence[e] = 0.05 + (0.95 * random.NextDouble());
            adjacency[a].Add((b, confidence[e]));
        }

        (MemoryStores stores, CausalMemory causal, QueryCache cache) = Open(path, new MemoryStoreLayout());
        using (stores)
        {
            var clock = Stopwatch.StartNew();
            var writes = new MemoryWriteSet();
            for (int e = 0; e < edgeCount; e++)
            {
                causal.StageAddEdge(writes, Node(from[e]), Node(to[e]), "m", 1.0, confidence[e], 10, null);
                if (writes.Count >= 3_000 || e == edgeCount - 1)
                {
                    writes.Commit(cache, requireSingleStore: true);
                    writes.Clear();
                }
            }

            double ingestSeconds = clock.Elapsed.TotalSeconds;
            stores.Store(MemoryKind.Causal).Checkpoint();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"# Chain graph: {edgeCount:N0} edges over {nodeCount:N0} memories (mean out-degree {edgeCount / (double)nodeCount:F1}), confidence U(0.05, 1); ingest {edgeCount / ingestSeconds:N0} edges/s (batches of 1,000 edges = 3,000 records)"));
            Console.WriteLine("| workload | search | queries | queries/s | process CPU µs/query | p50 µs | p99 µs | found | mean expanded nodes |");
            Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");

            var pairs = new Random(7);
            var randomPairs = new (int, int)[4096];
            var walkPairs = new (int, int)[4096];
            for (int i = 0; i < randomPairs.Length; i++)
            {
                randomPairs[i] = (pairs.Next(nodeCount), pairs.Next(nodeCount));
                int start = pairs.Next(nodeCount);
                int node = start;
                int length = 1 + pairs.Next(4);
                for (int h = 0; h < length && adjacency[node].Count > 0; h++)
                {
                    node = adjacency[node][pairs.Next(adjacency[node].Count)].To;
                }

                walkPairs[i] = (start, node == start ? adjacency[start].Count > 0 ? adjacency[start][0].To : (start + 1) % nodeCount : node);
            }

            var options = new CausalChainOptions { MaxDepth = 4 };
            int agreed = 0;
            for (int i = 0; i < 256; i++)
            {
                foreach ((int a, int b) in new[] { randomPairs[i], walkPairs[i] })
                {
                    CausalChain chain = causal.GetCausalChain(Node(a), Node(b), options);
                    (bool found, _, double strength) = InMemoryChain(adjacency, a, b, 4);
                    if (chain.Found != found || (found && Math.Abs(chain.Strength - strength) > 1e-9))
                    {
                        throw new InvalidOperationException($"The store and the in-memory baseline disagree on {a}→{b}: {chain.Found}/{chain.Strength} vs {found}/{strength}.");
                    }

                    agreed++;
                }
            }

            Console.WriteLine($"# The store's search and the in-memory baseline agree (found, strength) on {agreed} pairs.");
            foreach ((string name, (int, int)[] set) in new[] { ("random pairs", randomPairs), ("pairs joined by a 1–4 edge walk", walkPairs) })
            {
                var subject = new Operation(name + " | CausalMemory.GetCausalChain (RocksDB prefix scans)", i =>
                {
                    (int a, int b) = set[i % set.Length];
                    CausalChain chain = causal.GetCausalChain(Node(a), Node(b), options);
                    return (chain.Found, chain.ExpandedNodes);
                });
                var baseline = new Operation(name + " | baseline: same search, in-memory adjacency lists", i =>
                {
                    (int a, int b) = set[i % set.Length];
                    (bool found, int expanded, _) = InMemoryChain(adjacency, a, b, 4);
                    return (found, expanded);
                });
                MeasureInterleaved(duration, subject, baseline);
                Console.WriteLine(subject.Row(withStatistics: true));
                Console.WriteLine(baseline.Row(withStatistics: true));
            }
        }
    }

    private static void Recall(string path, int episodes, int shards, TimeSpan duration)
    {
        var layout = new MemoryStoreLayout { Functional = shards > 1, SessionShards = shards };
        (MemoryStores stores, CausalMemory causal, QueryCache cache) = Open(path, layout);
        using (stores)
        {
            var random = new Random(11);
            var vector = new float[Dimension];
            for (int s = 0; s < stores.ShardCount(MemoryKind.Reflexion); s++)
            {
                stores.Shard(MemoryKind.Reflexion, s).CreateCollection(CausalMemory.EpisodesCollection, Dimension, DistanceMetric.Cosine);
            }

            byte[] payload = MessagePack.MessagePackSerializer.Serialize(new Dictionary<string, object> { ["session"] = "s", ["text"] = "an episode of a typical agent task" });
            var batches = new Dictionary<AgentDatabase, RecordBatch>();
            for (int i = 0; i < episodes; i++)
            {
                for (int d = 0; d < Dimension; d++)
                {
                    vector[d] = (float)((random.NextDouble() * 2) - 1);
                }

                string session = "session-" + (i % 50).ToString(CultureInfo.InvariantCulture);
                AgentDatabase store = stores.ForSession(MemoryKind.Reflexion, session);
                if (!batches.TryGetValue(store, out RecordBatch? batch))
                {
                    batches[store] = batch = new RecordBatch();
                }

                batch.Upsert(CausalMemory.EpisodesCollection, Node(i), payload, vector);
                if (batch.Count >= 500)
                {
                    store.Batch(batch);
                    batch.Clear();
                }
            }

            foreach ((AgentDatabase store, RecordBatch batch) in batches)
            {
                store.Batch(batch);
            }

            var writes = new MemoryWriteSet();
            for (int i = 0; i < episodes; i++)
            {
                for (int e = 0; e < 2; e++)
                {
                    causal.StageAddEdge(writes, Node(i), "outcome-" + random.Next(100).ToString(CultureInfo.InvariantCulture) + "-" + e.ToString(CultureInfo.InvariantCulture), "m", (random.NextDouble() * 2) - 0.5, random.NextDouble(), 10, null);
                }

                if (writes.Count >= 3_000)
                {
                    writes.Commit(cache, requireSingleStore: true);
                    writes.Clear();
                }
            }

            writes.Commit(cache, requireSingleStore: true);
            foreach (AgentDatabase store in stores.All)
            {
                store.Checkpoint();
            }

            var queries = new float[256][];
            for (int q = 0; q < queries.Length; q++)
            {
                queries[q] = new float[Dimension];
                for (int d = 0; d < Dimension; d++)
                {
                    queries[q][d] = (float)((random.NextDouble() * 2) - 1);
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"# Causal recall: {episodes:N0} episodes × {Dimension} dims (cosine, exact scan tier) in {shards} reflexion shard(s), {episodes * 2:N0} causal edges, K = 10, candidate pool 40, α = 1, β = 0.5"));
            Console.WriteLine("| operation | queries | queries/s | process CPU µs/query | p50 µs | p99 µs |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|");
            var options = new CausalRecallOptions { K = 10 };
            var recall = new Operation("CausalMemory.CausalRecall (caller vector)", i => (true, causal.CausalRecall(queries[i % queries.Length], options).Items.Count));
            var search = new Operation("baseline: AgentDatabase.Search k = 40 over every shard", i =>
            {
                int found = 0;
                for (int s = 0; s < stores.ShardCount(MemoryKind.Reflexion); s++)
                {
                    found += stores.Shard(MemoryKind.Reflexion, s).Search(CausalMemory.EpisodesCollection, queries[i % queries.Length], 40).Count;
                }

                return (true, found);
            });

            AgentDatabase causalStore = stores.Store(MemoryKind.Causal);
            var prefixes = new string[episodes];
            for (int i = 0; i < episodes; i++)
            {
                prefixes[i] = CausalEdgeCodec.NodePrefix(Node(i));
            }

            random.Shuffle(prefixes); // candidates are scattered over the key space, not neighbours

            var scans = new Operation("engine floor: 40 × AgentDatabase.ScanPrefix of random memories (2 edge records each), nothing decoded", i =>
            {
                int records = 0;
                for (int c = 0; c < 40; c++)
                {
                    records += causalStore.ScanPrefix(CausalMemory.OutgoingCollection, prefixes[((i * 40) + c) % prefixes.Length], 1024).Count;
                }

                return (true, records);
            });
            var cachedCausal = new CausalMemory(new MemoryContext(stores, new NoEmbedder(), new QueryCache()));
            var cached = new Operation("CausalRecall, query cache on, 256 distinct queries repeating", i => (true, cachedCausal.CausalRecall(queries[i % queries.Length], options).Items.Count));
            MeasureInterleaved(duration, recall, search, scans, cached);
            Console.WriteLine(recall.Row(withStatistics: false));
            Console.WriteLine(search.Row(withStatistics: false));
            Console.WriteLine(scans.Row(withStatistics: false));
            Console.WriteLine(cached.Row(withStatistics: false));
        }
    }

    /// <summary>
    /// Runs the operations in turn, 200 ms each, until each has run for <paramref name="duration"/>, so a noisy
    /// neighbour slows every operation alike and the ratios hold even when absolute figures move.
    /// </summary>
    private static void MeasureInterleaved(TimeSpan duration, params Operation[] operations)
    {
        foreach (Operation operation in operations)
        {
            for (int i = 0; i < 32; i++)
            {
                operation.Query(i); // warm-up
            }
        }

        var slice = TimeSpan.FromMilliseconds(200);
        while (operations[^1].Elapsed < duration)
        {
            foreach (Operation operation in operations)
            {
                operation.RunFor(slice);
            }
        }
    }

    /// <summary>The algorithm of <c>CausalChainSearch</c> over in-memory lists: what the store's scans cost on top.</summary>
    private static (bool Found, int Expanded, double Strength) InMemoryChain(List<(int To, double Confidence)>[] adjacency, int from, int to, int maxDepth)
    {
        if (from == to)
        {
            return (true, 0, 1.0);
        }

        var expandedAt = new Dictionary<int, int>();
        var queue = new PriorityQueue<(int Node, int Hops, double Cost), (double, int)>();
        queue.Enqueue((from, 0, 0), (0, 0));
        int expanded = 0;
        while (queue.TryDequeue(out (int Node, int Hops, double Cost) state, out _))
        {
            if (state.Node == to)
            {
                return (true, expanded, Math.Exp(-state.Cost));
            }

            if (expandedAt.TryGetValue(state.Node, out int at) && at <= state.Hops)
            {
                continue;
            }

            expandedAt[state.Node] = state.Hops;
            if (state.Hops == maxDepth)
            {
                continue;
            }

            expanded++;
            foreach ((int next, double confidence) in adjacency[state.Node])
            {
                if (expandedAt.TryGetValue(next, out int nextAt) && nextAt <= state.Hops + 1)
                {
                    continue;
                }

                double cost = state.Cost - Math.Log(confidence);
                queue.Enqueue((next, state.Hops + 1, cost), (cost, state.Hops + 1));
            }
        }

        return (false, expanded, 0.0);
    }

    private static string Node(int i) => "ep-" + i.ToString("D8", CultureInfo.InvariantCulture);

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    /// <summary>One measured operation: its count, time, latencies and (for chains) found/expanded statistics.</summary>
    private sealed class Operation(string name, Func<int, (bool Found, int Expanded)> query)
    {
        private readonly List<double> _latencies = new();
        private long _found;
        private long _expanded;
        private TimeSpan _cpu;

        public Func<int, (bool Found, int Expanded)> Query { get; } = query;

        public TimeSpan Elapsed { get; private set; }

        public int Count { get; private set; }

        public void RunFor(TimeSpan slice)
        {
            TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < slice)
            {
                long began = Stopwatch.GetTimestamp();
                (bool found, int expanded) = Query(Count);
                _latencies.Add(Stopwatch.GetElapsedTime(began).TotalMicroseconds);
                _found += found ? 1 : 0;
                _expanded += expanded;
                Count++;
            }

            Elapsed += clock.Elapsed;
            _cpu += Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        }

        public string Row(bool withStatistics)
        {
            _latencies.Sort();
            string row = string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {Count:N0} | {Count / Elapsed.TotalSeconds:N0} | {_cpu.TotalMicroseconds / Count:F0} | {Percentile(_latencies, 0.50):F0} | {Percentile(_latencies, 0.99):F0} |");
            return withStatistics
                ? row + string.Create(CultureInfo.InvariantCulture, $" {100.0 * _found / Count:F1} % | {_expanded / (double)Count:F1} |")
                : row;
        }
    }

    /// <summary>The benchmark queries with vectors only; an embedder is required by the context but never called.</summary>
    private sealed class NoEmbedder : IEmbedder
    {
        public string Name => "bench";

        public int Dimension => CausalBenchmark.Dimension;

        public void Embed(string text, Span<float> destination) => throw new NotSupportedException("The benchmark passes vectors.");

        public void EmbedBatch(IReadOnlyList<string> texts, Span<float> destination) => throw new NotSupportedException("The benchmark passes vectors.");

        public void Dispose()
        {
        }
    }
}
