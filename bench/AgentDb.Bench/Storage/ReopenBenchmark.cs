using System.Diagnostics;
using System.Globalization;
using AgentDb.Kernels;
using AgentDb.Log;

namespace AgentDb.Bench.Storage;

/// <summary>
/// How long <see cref="AgentDatabase.Open"/> takes for a collection in the HNSW tier: rebuilding the graph from the
/// records (what every open did before index segments; the baseline) against mapping the checkpointed segments and
/// catching up from the records, with and without writes after the checkpoint. Reports recall@10 of both against an
/// exact scan. A timed harness: one open is one measurement.
/// Run: <c>dotnet run -c Release --project bench/AgentDb.Bench -- reopen [--count N] [--root DIR]</c>.
/// </summary>
internal static class ReopenBenchmark
{
    private const int Dimension = 384;
    private const string Collection = "bench";

    public static int Run(string[] args)
    {
        int count = 100_000;
        string root = Path.Combine(Path.GetTempPath(), "agentdb-reopen-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--count" && i + 1 < args.Length)
            {
                count = int.Parse(args[++i], CultureInfo.InvariantCulture);
            }
            else if (args[i] == "--root" && i + 1 < args.Length)
            {
                root = args[++i];
            }
        }

        string path = Path.Combine(root, "db");
        Directory.CreateDirectory(root);
        try
        {
            float[] vectors = Clustered(count, seed: 7);
            float[] queries = Clustered(100, seed: 8);
            Console.WriteLine($"# Reopen: {count:N0} × {Dimension} cosine, clustered Gaussian; {Environment.ProcessorCount} cores, SIMD {Distance.ActivePath}");

            // Ingest in the exact tier (threshold out of reach), so the graph is built once, by the timed open.
            var exactOptions = Options(int.MaxValue);
            using (var db = AgentDatabase.Open(path, exactOptions))
            {
                db.CreateCollection(Collection, Dimension, DistanceMetric.Cosine);
                var batch = new RecordBatch();
                byte[] payload = [0x80];
                for (int i = 0; i < count; i++)
                {
                    batch.Upsert(Collection, "r" + i.ToString(CultureInfo.InvariantCulture), payload, vectors.AsSpan(i * Dimension, Dimension));
                    if (batch.Count == 1000 || i == count - 1)
                    {
                        db.Batch(batch);
                        batch.Clear();
                    }
                }
            }

            var graphOptions = Options(TieredVectorIndexThreshold);
            long[][] truth = ExactTruth(vectors, queries, count);
            Console.WriteLine("| open | time s | vectors from segments | vectors inserted | segments | recall@10 |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|");

            var clock = Stopwatch.StartNew();
            using (var db = AgentDatabase.Open(path, graphOptions))
            {
                Report("rebuild from the records (baseline: every open before segments)", clock.Elapsed, db, queries, truth);
                clock.Restart();
                db.Checkpoint();
                Console.WriteLine($"<!-- checkpoint writing the segment: {clock.Elapsed.TotalSeconds:F2} s, index directory {DirectoryBytes(Path.Combine(path, "index")) / 1e6:F0} MB -->");
            }

            clock.Restart();
            using (var db = AgentDatabase.Open(path, graphOptions))
            {
                Report("load the segment (no writes since)", clock.Elapsed, db, queries, truth);
            }

            // 1% updated after the checkpoint, then a backup: its restore has the old segment and newer records.
            string backup = Path.Combine(root, "backup");
            using (var db = AgentDatabase.Open(path, graphOptions))
            {
                var batch = new RecordBatch();
                for (int i = 0; i < count / 100; i++)
                {
                    int row = (i * 97) % count;
                    batch.Upsert(Collection, "r" + row.ToString(CultureInfo.InvariantCulture), [0x80], vectors.AsSpan(((row + 1) % count) * Dimension, Dimension));
                    if (batch.Count == 1000)
                    {
                        db.Batch(batch);
                        batch.Clear();
                    }
                }

                db.Batch(batch);
                db.Backup(backup);
            }

            string restored = Path.Combine(root, "restored");
            AgentDatabase.Restore(backup, restored);
            clock.Restart();
            using (var db = AgentDatabase.Open(restored, graphOptions))
            {
                Report("load the segment + catch up 1% updated records (restored backup)", clock.Elapsed, db, queries, truth: null);
            }

            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private const int TieredVectorIndexThreshold = 20_000;

    private static AgentDatabaseOptions Options(int threshold) => new()
    {
        Durability = DurabilityMode.None,
        HnswThreshold = threshold,
        CheckpointLogBytes = 0,
    };

    private static void Report(string label, TimeSpan elapsed, AgentDatabase db, float[] queries, long[][]? truth)
    {
        CollectionStats stats = db.GetStats().Collections[0];
        string recall = "–";
        if (truth is not null)
        {
            double total = 0;
            for (int q = 0; q < truth.Length; q++)
            {
                IReadOnlyList<SearchResult> hits = db.Search(Collection, queries.AsSpan(q * Dimension, Dimension), 10);
                int overlap = 0;
                foreach (SearchResult hit in hits)
                {
                    if (Array.IndexOf(truth[q], long.Parse(hit.Record.Id.AsSpan(1), CultureInfo.InvariantCulture)) >= 0)
                    {
                        overlap++;
                    }
                }

                total += overlap / 10.0;
            }

            recall = (total / truth.Length).ToString("F3", CultureInfo.InvariantCulture);
        }

        Console.WriteLine($"| {label} | {elapsed.TotalSeconds:F2} | {stats.VectorsFromSegments:N0} | {stats.VectorsRebuilt:N0} | {stats.IndexSegments} | {recall} |");
    }

    private static long[][] ExactTruth(float[] vectors, float[] queries, int count)
    {
        int queryCount = queries.Length / Dimension;
        var truth = new long[queryCount][];
        var distances = new float[count];
        var order = new long[count];
        for (int q = 0; q < queryCount; q++)
        {
            Distance.ComputeMany(DistanceMetric.Cosine, queries.AsSpan(q * Dimension, Dimension), vectors, distances);
            for (int i = 0; i < count; i++)
            {
                order[i] = i;
            }

            float[] keys = (float[])distances.Clone();
            Array.Sort(keys, order);
            truth[q] = order[..10];
        }

        return truth;
    }

    private static float[] Clustered(int count, int seed)
    {
        var random = new Random(seed);
        var centroids = new Random(1);
        const int clusters = 100;
        var centres = new float[clusters * Dimension];
        for (int i = 0; i < centres.Length; i++)
        {
            centres[i] = (float)Gaussian(centroids);
        }

        var data = new float[(long)count * Dimension];
        for (int i = 0; i < count; i++)
        {
            int c = random.Next(clusters);
            for (int d = 0; d < Dimension; d++)
            {
                data[(i * Dimension) + d] = centres[(c * Dimension) + d] + (0.5f * (float)Gaussian(random));
            }
        }

        return data;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static long DirectoryBytes(string path)
    {
        long total = 0;
        foreach (string file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories))
        {
            total += new FileInfo(file).Length;
        }

        return total;
    }
}
