using System.Diagnostics;
using System.Globalization;
using AgentDb.Kernels;
using AgentDb.Log;
using MessagePack;

namespace AgentDb.Bench.Storage;

/// <summary>
/// A selective equality filter (<c>session == s</c>, <c>--sessions</c> sessions over <c>--count</c> records, so about
/// count/sessions records per session) with and without a payload index, on the same database in the same run: first
/// the unindexed searches, then <see cref="AgentDatabase.CreatePayloadIndex"/> (timed), then the same queries indexed
/// (and as many more as <c>--indexed-queries</c>), with the share of queries whose ids equal the unindexed answer. Then
/// the open time without and with the index (the index is rebuilt by a scan at open). Runs the exact tier (threshold
/// out of reach) and the HNSW tier (default threshold; graph built at ingest).
/// Run: <c>dotnet run -c Release --project bench/AgentDb.Bench -- filter [--count N] [--sessions N] [--dim N] [--k N] [--queries N] [--indexed-queries N] [--tier exact|hnsw|both]</c>.
/// </summary>
internal static class FilteredSearchBenchmark
{
    private const string Collection = "episodes";

    public static int Run(string[] args)
    {
        int count = 100_000;
        int sessions = 10_000;
        int dimension = 384;
        int k = 5;
        int queries = 100;
        int indexedQueries = 2_000;
        string tier = "both";
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            string value = args[i + 1];
            switch (args[i])
            {
                case "--count": count = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--sessions": sessions = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--dim": dimension = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--k": k = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--queries": queries = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--indexed-queries": indexedQueries = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--tier": tier = value; break;
                default: throw new ArgumentException($"Unknown option {args[i]}.");
            }
        }

        Console.WriteLine($"# Filtered search: {count:N0} records × {dimension} cosine, {sessions:N0} sessions (~{count / sessions} records each), k = {k}; {Environment.ProcessorCount} cores, SIMD {Distance.ActivePath}");
        if (tier is "exact" or "both")
        {
            RunTier("exact", int.MaxValue, count, sessions, dimension, k, queries, indexedQueries);
        }

        if (tier is "hnsw" or "both")
        {
            RunTier("hnsw", 20_000, count, sessions, dimension, k, queries, indexedQueries);
        }

        return 0;
    }

    private static void RunTier(string tier, int threshold, int count, int sessions, int dimension, int k, int queryCount, int indexedQueries)
    {
        string root = Path.Combine(Path.GetTempPath(), $"agentdb-filter-{Environment.ProcessId}-{tier}");
        var options = new AgentDatabaseOptions { Durability = DurabilityMode.None, HnswThreshold = threshold, CheckpointLogBytes = 0 };
        try
        {
            var random = new Random(5);
            var stopwatch = Stopwatch.StartNew();
            using (var db = AgentDatabase.Open(root, options))
            {
                db.CreateCollection(Collection, dimension, DistanceMetric.Cosine);
                var batch = new RecordBatch();
                float[] vector = new float[dimension];
                for (int i = 0; i < count; i++)
                {
                    for (int d = 0; d < dimension; d++)
                    {
                        vector[d] = (float)((random.NextDouble() * 2) - 1);
                    }

                    byte[] payload = MessagePackSerializer.Serialize(new Dictionary<string, object>
                    {
                        ["session"] = "session-" + random.Next(sessions).ToString(CultureInfo.InvariantCulture),
                        ["task"] = "task " + i.ToString(CultureInfo.InvariantCulture),
                        ["reward"] = random.NextDouble(),
                        ["tags"] = new[] { "a", "b" },
                    });
                    batch.Upsert(Collection, "e" + i.ToString(CultureInfo.InvariantCulture), payload, vector);
                    if (batch.Count == 500 || i == count - 1)
                    {
                        db.Batch(batch);
                        batch.Clear();
                    }
                }

                if (threshold <= count && !db.IndexOf(Collection).WaitForIndexing(TimeSpan.FromMinutes(30)))
                {
                    throw new TimeoutException("The HNSW indexer did not finish.");
                }

                db.Checkpoint();
            }

            Console.WriteLine($"## tier {tier}: ingest {stopwatch.Elapsed.TotalSeconds:F1} s");
            var queryRandom = new Random(9);
            int total = Math.Max(queryCount, indexedQueries);
            var vectors = new float[total][];
            var filters = new PayloadFilter[total];
            for (int q = 0; q < total; q++)
            {
                vectors[q] = new float[dimension];
                for (int d = 0; d < dimension; d++)
                {
                    vectors[q][d] = (float)((queryRandom.NextDouble() * 2) - 1);
                }

                filters[q] = PayloadFilter.Where("session", "session-" + queryRandom.Next(sessions).ToString(CultureInfo.InvariantCulture));
            }

            var unindexedIds = new string[queryCount][];
            stopwatch.Restart();
            using (var db = AgentDatabase.Open(root, options))
            {
                Console.WriteLine($"open without a payload index: {stopwatch.Elapsed.TotalMilliseconds:F0} ms");
                Measure("unindexed", db, vectors, filters, queryCount, k, unindexedIds);
                stopwatch.Restart();
                db.CreatePayloadIndex(Collection, "session");
                Console.WriteLine($"CreatePayloadIndex(session) over {count:N0} records: {stopwatch.Elapsed.TotalMilliseconds:F0} ms");
                var indexedIds = new string[total][];
                Measure("indexed", db, vectors, filters, total, k, indexedIds);
                int same = 0;
                for (int q = 0; q < queryCount; q++)
                {
                    same += unindexedIds[q].AsSpan().SequenceEqual(indexedIds[q]) ? 1 : 0;
                }

                Console.WriteLine($"indexed answers identical to unindexed: {same}/{queryCount}");
            }

            stopwatch.Restart();
            using (var db = AgentDatabase.Open(root, options))
            {
                Console.WriteLine($"open with the payload index (rebuilt by a scan): {stopwatch.Elapsed.TotalMilliseconds:F0} ms");
            }
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private static void Measure(string label, AgentDatabase db, float[][] vectors, PayloadFilter[] filters, int count, int k, string[][] ids)
    {
        // A short warm-up (JIT, caches) that is not counted.
        for (int q = 0; q < Math.Min(5, count); q++)
        {
            db.Search(Collection, vectors[q], k, filters[q]);
        }

        var latencies = new double[count];
        var total = Stopwatch.StartNew();
        for (int q = 0; q < count; q++)
        {
            long start = Stopwatch.GetTimestamp();
            IReadOnlyList<SearchResult> results = db.Search(Collection, vectors[q], k, filters[q]);
            latencies[q] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var hitIds = new string[results.Count];
            for (int i = 0; i < hitIds.Length; i++)
            {
                hitIds[i] = results[i].Record.Id;
            }

            ids[q] = hitIds;
        }

        double seconds = total.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label}: {count} queries, {count / seconds:F1} q/s, p50 {latencies[count / 2]:F3} ms, p99 {latencies[Math.Min(count - 1, (int)(count * 0.99))]:F3} ms, max {latencies[^1]:F3} ms"));
    }
}
