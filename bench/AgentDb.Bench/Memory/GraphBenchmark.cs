using System.Diagnostics;
using System.Globalization;
using AgentDb.Kernels;
using AgentDb.Log;
using AgentDb.Memory;
using AgentDb.Memory.Caching;
using AgentDb.Memory.Embedding;
using AgentDb.Memory.Graph;
using AgentDb.Memory.Stores;

namespace AgentDb.Bench.Memory;

/// <summary>
/// A timed harness for the graph store (issue 5). Builds a synthetic graph (N nodes with one of ten labels, each with
/// D random out-edges of one of two types) through the public batched API, then measures single-thread query rates with
/// the query cache off (every query reads the store; random start nodes), plus the cached rate of one repeated query.
/// Baselines in the same run: the same 2-hop walk done with bare <see cref="AgentDatabase"/> scans and reads (the graph
/// layer's overhead) and over in-memory adjacency arrays (what storage costs).
/// Run: <c>dotnet run -c Release --project bench/AgentDb.Bench -- graph [--nodes 100000] [--degree 10] [--seconds 5] [--root DIR] [--quick]</c>.
/// </summary>
internal static class GraphBenchmark
{
    private const int Dimension = 8;

    private static bool Progress { get; set; }

    public static int Run(string[] args)
    {
        string root = Path.Combine(Path.GetTempPath(), "agentdb-graph-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        int nodes = 100_000;
        int degree = 10;
        double seconds = 5;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--root" when i + 1 < args.Length:
                    root = args[++i];
                    break;
                case "--nodes" when i + 1 < args.Length:
                    nodes = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--degree" when i + 1 < args.Length:
                    degree = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--seconds" when i + 1 < args.Length:
                    seconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--progress":
                    Progress = true;
                    break;
                case "--quick":
                    nodes = 10_000;
                    seconds = 1;
                    break;
            }
        }

        Directory.CreateDirectory(root);
        try
        {
            Console.WriteLine($"# Graph store: {nodes:N0} nodes, out-degree {degree} ({(long)nodes * degree:N0} edges), durability Group, 1 thread");
            Console.WriteLine($"# {Environment.ProcessorCount} cores, .NET {Environment.Version}, root {root}");
            Console.WriteLine();
            Execute(root, nodes, degree, TimeSpan.FromSeconds(seconds));
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

    private static void Execute(string root, int nodeCount, int degree, TimeSpan duration)
    {
        var random = new Random(42);
        int[][] adjacency = new int[nodeCount][];
        for (int i = 0; i < nodeCount; i++)
        {
            adjacency[i] = new int[degree];
            for (int d = 0; d < degree; d++)
            {
                adjacency[i][d] = random.Next(nodeCount);
            }
        }

        Console.WriteLine($"# load average at start: {LoadAverage()}");
        using MemoryStores stores = MemoryStores.Open(Path.Combine(root, "mem"), new MemoryStoreLayout(), "none", Dimension, new AgentDatabaseOptions { Durability = DurabilityMode.Group });
        using var embedder = new NoEmbedder();
        var uncached = new MemoryContext(stores, embedder, new QueryCache(new QueryCacheOptions { Enabled = false }));
        var graph = new GraphStore(uncached);

        // Ingest, interleaved in chunks with the baseline (the same records, ids and order written with bare
        // AgentDatabase.Batch into a second database: no validation, no end checks), so both see the same machine load.
        string barePath = Path.Combine(root, "bare");
        using (var bare = new BareGraph(barePath))
        {
            Console.WriteLine("| ingest | batch | count | graph s | graph /s | bare s | bare /s | graph / bare |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
            var nodeTimes = new PairTimes();
            var nodeBatch = new List<GraphNodeInput>(1000);
            for (int chunk = 0; chunk < nodeCount; chunk += 10_000)
            {
                int end = Math.Min(nodeCount, chunk + 10_000);
                long t0 = Stopwatch.GetTimestamp();
                for (int i = chunk; i < end; i++)
                {
                    nodeBatch.Add(new GraphNodeInput { Id = Id(i), Labels = [$"L{i % 10}"], Properties = new Dictionary<string, GraphValue> { ["i"] = (long)i } });
                    if (nodeBatch.Count == 1000 || i == end - 1)
                    {
                        graph.AddNodes(nodeBatch);
                        nodeBatch.Clear();
                    }
                }

                long t1 = Stopwatch.GetTimestamp();
                bare.AddNodes(chunk, end, 1000);
                nodeTimes.Add(t1 - t0, Stopwatch.GetTimestamp() - t1);
            }

            PairRow("nodes (node + label entry)", 1000, nodeCount, nodeTimes);

            int edgeCount = nodeCount * degree;
            int single = Math.Min(2_000, edgeCount / 100);
            int batched100 = Math.Min(100_000, edgeCount / 10);
            int position = 0;
            PairTimes singles = IngestEdges(graph, bare, adjacency, degree, ref position, single, batch: 1, chunk: 200);
            PairRow("edges (edge + 2 adjacency entries)", 1, single, singles);
            PairTimes hundreds = IngestEdges(graph, bare, adjacency, degree, ref position, single + batched100, batch: 100, chunk: 10_000);
            PairRow("edges (edge + 2 adjacency entries)", 100, batched100, hundreds);
            int before = position;
            PairTimes thousands = IngestEdges(graph, bare, adjacency, degree, ref position, edgeCount, batch: 1000, chunk: 50_000);
            PairRow("edges (edge + 2 adjacency entries)", 1000, position - before, thousands);
        }

        Directory.Delete(barePath, recursive: true);
        Console.WriteLine();
        Console.WriteLine("| query (cache off, random start) | count | seconds | per second | notes |");
        Console.WriteLine("|---|---:|---:|---:|---|");
        AgentDatabase store = stores.Store(MemoryKind.Graph);
        store.Checkpoint();

        // Queries, cache off, random starts (a fixed seed per query kind).
        Measure("Neighbors (out, limit 100)", duration, new Random(1), r => graph.Neighbors(Id(r.Next(nodeCount))).Count);
        MeasurePaired(
            "Traverse 2 hops (out)", r => graph.Traverse(Id(r.Next(nodeCount)), new TraversalOptions { MaxDepth = 2, Limit = 1000 }).Nodes.Count,
            "baseline: the same 2 hops with bare AgentDatabase ScanPrefix + TryGet", r => BareTwoHops(store, Id(r.Next(nodeCount))),
            duration, seed: 2);
        Measure("Traverse 2 hops (out, label filter L3)", duration, new Random(3), r => graph.Traverse(Id(r.Next(nodeCount)), new TraversalOptions { MaxDepth = 2, Limit = 1000, NodeFilter = GraphNodeFilter.WithLabel("L3") }).Nodes.Count);
        Measure("Traverse 2 hops (both ways)", duration, new Random(4), r => graph.Traverse(Id(r.Next(nodeCount)), new TraversalOptions { MaxDepth = 2, Limit = 1000, Direction = GraphDirection.Both }).Nodes.Count);
        Measure("ShortestPath (out, max depth 8)", duration, new Random(5), r => graph.ShortestPath(Id(r.Next(nodeCount)), Id(r.Next(nodeCount)), new ShortestPathOptions { MaxDepth = 8 }).Path?.Length ?? -1);
        Measure("ShortestPath (both ways, max depth 8)", duration, new Random(5), r => graph.ShortestPath(Id(r.Next(nodeCount)), Id(r.Next(nodeCount)), new ShortestPathOptions { MaxDepth = 8, Direction = GraphDirection.Both }).Path?.Length ?? -1);
        Measure("Match (a:Lx)-[:A]->(b:Ly) limit 10", duration, new Random(6), r => graph.Match(
            new GraphPattern { From = GraphNodeFilter.WithLabel($"L{r.Next(10)}"), EdgeType = "A", To = GraphNodeFilter.WithLabel($"L{r.Next(10)}") },
            new MatchOptions { Limit = 10 }).Matches.Count);
        Measure("Match (a:Lx {i: n})-[]->(b) (anchor by property: scans the label)", duration, new Random(7), r =>
        {
            int n = r.Next(nodeCount);
            return graph.Match(new GraphPattern { From = new GraphNodeFilter { Labels = [$"L{n % 10}"], Properties = new Dictionary<string, GraphValue> { ["i"] = (long)n } } }, new MatchOptions { Limit = 100 }).Matches.Count;
        });

        // The cached rate of one repeated 2-hop query, and the walk over in-memory arrays (what storage costs).
        var cachedGraph = new GraphStore(new MemoryContext(stores, embedder, new QueryCache()));
        string hot = Id(12345 % nodeCount);
        Measure("Traverse 2 hops, cache on (one start repeated)", duration, new Random(8), _ => cachedGraph.Traverse(hot, new TraversalOptions { MaxDepth = 2, Limit = 1000 }).Nodes.Count);
        Measure("baseline: 2 hops over in-memory int[][] + HashSet", duration, new Random(2), r => MemoryTwoHops(adjacency, r.Next(nodeCount)));
        Console.WriteLine();
        Console.WriteLine($"# load average at end: {LoadAverage()}");
    }

    /// <summary>Writes edges [position, end) to the graph and the bare baseline, alternating chunks; returns both times.</summary>
    private static PairTimes IngestEdges(GraphStore graph, BareGraph bare, int[][] adjacency, int degree, ref int position, int end, int batch, int chunk)
    {
        var times = new PairTimes();
        var inputs = new List<GraphEdgeInput>(batch);
        while (position < end)
        {
            int chunkEnd = Math.Min(end, position + chunk);
            long t0 = Stopwatch.GetTimestamp();
            for (int p = position; p < chunkEnd;)
            {
                inputs.Clear();
                for (int i = 0; i < batch && p < chunkEnd; i++, p++)
                {
                    inputs.Add(EdgeInput(adjacency, p, degree));
                }

                if (batch == 1)
                {
                    graph.AddEdge(inputs[0]);
                }
                else
                {
                    graph.AddEdges(inputs);
                }
            }

            long t1 = Stopwatch.GetTimestamp();
            bare.AddEdges(adjacency, degree, position, chunkEnd, batch);
            times.Add(t1 - t0, Stopwatch.GetTimestamp() - t1);
            position = chunkEnd;
            if (Progress)
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {position:N0} edges at {DateTime.UtcNow:HH:mm:ss.fff}, load {LoadAverage()}"));
            }
        }

        return times;
    }

    private static GraphEdgeInput EdgeInput(int[][] adjacency, int position, int degree)
    {
        int from = position / degree;
        return new GraphEdgeInput { From = Id(from), Type = position % 2 == 0 ? "A" : "B", To = Id(adjacency[from][position % degree]) };
    }

    private static int BareTwoHops(AgentDatabase store, string start)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { start };
        var frontier = new List<string> { start };
        int found = 0;
        for (int depth = 0; depth < 2; depth++)
        {
            var next = new List<string>();
            foreach (string node in frontier)
            {
                foreach (StoredRecord record in store.ScanPrefix(GraphStore.AdjacencyCollection, "o/" + node + "/", 1000))
                {
                    string key = record.Id;
                    int second = key.IndexOf('/', node.Length + 3); // after "o/{node}/{type}"
                    int third = key.IndexOf('/', second + 1);
                    string other = key.Substring(second + 1, third - second - 1);
                    if (seen.Add(other) && store.TryGet(GraphStore.NodesCollection, other, out _))
                    {
                        found++;
                        next.Add(other);
                    }
                }
            }

            frontier = next;
        }

        return found;
    }

    private static int MemoryTwoHops(int[][] adjacency, int start)
    {
        var seen = new HashSet<int> { start };
        int found = 0;
        foreach (int a in adjacency[start])
        {
            if (seen.Add(a))
            {
                found++;
            }
        }

        foreach (int a in adjacency[start])
        {
            foreach (int b in adjacency[a])
            {
                if (seen.Add(b))
                {
                    found++;
                }
            }
        }

        return found;
    }

    private static void Measure(string name, TimeSpan duration, Random random, Func<Random, int> query)
    {
        for (int i = 0; i < 20; i++)
        {
            query(random); // warm-up
        }

        long operations = 0;
        long results = 0;
        var timer = Stopwatch.StartNew();
        while (timer.Elapsed < duration)
        {
            results += query(random);
            operations++;
        }

        TimeSpan elapsed = timer.Elapsed;
        Row(name, operations, elapsed, $"{(double)results / operations:F1} results/query avg");
    }

    /// <summary>Two queries measured in alternating 250 ms slices, so both see the same machine load.</summary>
    private static void MeasurePaired(string nameA, Func<Random, int> queryA, string nameB, Func<Random, int> queryB, TimeSpan duration, int seed)
    {
        var randomA = new Random(seed);
        var randomB = new Random(seed);
        for (int i = 0; i < 20; i++)
        {
            queryA(randomA);
            queryB(randomB);
        }

        long operationsA = 0, operationsB = 0, resultsA = 0, resultsB = 0;
        TimeSpan elapsedA = TimeSpan.Zero, elapsedB = TimeSpan.Zero;
        TimeSpan slice = TimeSpan.FromMilliseconds(250);
        while (elapsedA + elapsedB < duration * 2)
        {
            var timer = Stopwatch.StartNew();
            while (timer.Elapsed < slice)
            {
                resultsA += queryA(randomA);
                operationsA++;
            }

            elapsedA += timer.Elapsed;
            timer.Restart();
            while (timer.Elapsed < slice)
            {
                resultsB += queryB(randomB);
                operationsB++;
            }

            elapsedB += timer.Elapsed;
        }

        Row(nameA, operationsA, elapsedA, $"{(double)resultsA / operationsA:F1} results/query avg; interleaved with the next row");
        Row(nameB, operationsB, elapsedB, $"{(double)resultsB / operationsB:F1} results/query avg; graph / bare = {operationsA / elapsedA.TotalSeconds / (operationsB / elapsedB.TotalSeconds):F2}");
    }

    private static void PairRow(string name, int batch, long count, PairTimes times)
    {
        double graphSeconds = Stopwatch.GetElapsedTime(0, times.Graph).TotalSeconds;
        double bareSeconds = Stopwatch.GetElapsedTime(0, times.Bare).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {batch} | {count:N0} | {graphSeconds:F2} | {count / graphSeconds:N0} | {bareSeconds:F2} | {count / bareSeconds:N0} | {bareSeconds / graphSeconds:F2} |"));
    }

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

    private static void Row(string name, long count, TimeSpan elapsed, string notes) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {count:N0} | {elapsed.TotalSeconds:F2} | {count / elapsed.TotalSeconds:N0} | {notes} |"));

    private static string Id(int i) => "n" + i.ToString("D6", CultureInfo.InvariantCulture);

    /// <summary>Accumulated stopwatch ticks of the graph and of the baseline.</summary>
    private sealed class PairTimes
    {
        public long Graph { get; private set; }

        public long Bare { get; private set; }

        public void Add(long graph, long bare)
        {
            Graph += graph;
            Bare += bare;
        }
    }

    /// <summary>
    /// The baseline store: the records the graph writes (node + label entry per node; edge + two adjacency entries per
    /// edge, the same keys except a shorter sequential edge id), written with bare <see cref="AgentDatabase.Batch"/>.
    /// </summary>
    private sealed class BareGraph : IDisposable
    {
        private static readonly byte[] s_emptyMap = [0x80];
        private readonly AgentDatabase _db;
        private readonly RecordBatch _batch = new();

        public BareGraph(string path)
        {
            _db = AgentDatabase.Open(path, new AgentDatabaseOptions { Durability = DurabilityMode.Group });
            foreach (string name in new[] { "nodes", "labels", "edges", "adjacency" })
            {
                _db.CreateCollection(name, 1, DistanceMetric.Cosine);
            }
        }

        public void AddNodes(int from, int to, int batch)
        {
            for (int i = from; i < to; i++)
            {
                _batch.Upsert("nodes", Id(i), s_emptyMap);
                _batch.Upsert("labels", $"l/L{i % 10}/{Id(i)}", []);
                if (_batch.Count == 2 * batch || i == to - 1)
                {
                    _db.Batch(_batch);
                    _batch.Clear();
                }
            }
        }

        public void AddEdges(int[][] adjacency, int degree, int from, int to, int batch)
        {
            for (int e = from; e < to; e++)
            {
                GraphEdgeInput edge = EdgeInput(adjacency, e, degree);
                string id = "e" + e.ToString("D9", CultureInfo.InvariantCulture);
                _batch.Upsert("edges", id, s_emptyMap);
                _batch.Upsert("adjacency", $"o/{edge.From}/{edge.Type}/{edge.To}/{id}", s_emptyMap);
                _batch.Upsert("adjacency", $"i/{edge.To}/{edge.Type}/{edge.From}/{id}", s_emptyMap);
                if (_batch.Count == 3 * batch || e == to - 1)
                {
                    _db.Batch(_batch);
                    _batch.Clear();
                }
            }
        }

        public void Dispose() => _db.Dispose();
    }

    /// <summary>The graph benchmark stores no embeddings; the store only needs a dimension.</summary>
    private sealed class NoEmbedder : IEmbedder
    {
        public string Name => "none";

        public int Dimension => GraphBenchmark.Dimension;

        public void Embed(string text, Span<float> destination) => throw new NotSupportedException();

        public void EmbedBatch(IReadOnlyList<string> texts, Span<float> destination) => throw new NotSupportedException();

        public void Dispose()
        {
        }
    }
}
