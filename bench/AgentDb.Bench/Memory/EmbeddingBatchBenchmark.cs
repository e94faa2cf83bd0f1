using System.Diagnostics;
using System.Globalization;
using AgentDb.Memory.Embedding;

namespace AgentDb.Bench.Memory;

/// <summary>
/// MiniLM one text per model call against <see cref="MiniLmEmbedder.EmbedBatch"/> of the 32 texts of
/// <see cref="EmbeddingTexts"/>, as a timed harness for a shared machine: each round embeds the 32 texts both ways, in
/// alternating order, so a load change hits both alike; the speed-up is reported per round (median, quartiles) and over
/// the sums. Run: <c>dotnet run -c Release --project bench/AgentDb.Bench -- embed-batch [--rounds 40] [--threads 0]</c>.
/// </summary>
internal static class EmbeddingBatchBenchmark
{
    public static int Run(string[] args)
    {
        int rounds = 40;
        int threads = 0;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rounds" when i + 1 < args.Length:
                    rounds = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--threads" when i + 1 < args.Length:
                    threads = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'. Usage: embed-batch [--rounds 40] [--threads 0]");
            }
        }

        using var embedder = new MiniLmEmbedder(threads);
        embedder.Load();
        string[] texts = EmbeddingTexts.All;
        int dimension = embedder.Dimension;
        var destination = new float[texts.Length * dimension];

        // Warm-up: both paths twice.
        for (int w = 0; w < 2; w++)
        {
            OneAtATime(embedder, texts, destination);
            embedder.EmbedBatch(texts, destination);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# MiniLM ({MiniLmEmbedder.ModelName}), {texts.Length} texts, threads {(threads == 0 ? "ONNX default" : threads.ToString(CultureInfo.InvariantCulture))}, {rounds} rounds, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load average {MemoryBenchmark.LoadAverage()}"));
        var single = new double[rounds];
        var batched = new double[rounds];
        var ratios = new double[rounds];
        for (int r = 0; r < rounds; r++)
        {
            bool singleFirst = (r & 1) == 0;
            for (int pass = 0; pass < 2; pass++)
            {
                long began = Stopwatch.GetTimestamp();
                if ((pass == 0) == singleFirst)
                {
                    OneAtATime(embedder, texts, destination);
                    single[r] = Stopwatch.GetElapsedTime(began).TotalMilliseconds;
                }
                else
                {
                    embedder.EmbedBatch(texts, destination);
                    batched[r] = Stopwatch.GetElapsedTime(began).TotalMilliseconds;
                }
            }

            ratios[r] = single[r] / batched[r];
        }

        double singleSum = Sum(single), batchedSum = Sum(batched);
        Array.Sort(ratios);
        Console.WriteLine("| path | texts/s (sum) | ms per text, median round | ms per text, best round |");
        Console.WriteLine("|---|---:|---:|---:|");
        Row("one text per call (baseline)", single, texts.Length, singleSum);
        Row("EmbedBatch of 32", batched, texts.Length, batchedSum);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"speed-up: {singleSum / batchedSum:F2}x over the sums; per round median {Quantile(ratios, 0.5):F2}x (quartiles {Quantile(ratios, 0.25):F2}x–{Quantile(ratios, 0.75):F2}x, min {ratios[0]:F2}x, max {ratios[^1]:F2}x); load average {MemoryBenchmark.LoadAverage()}"));
        return 0;
    }

    private static void OneAtATime(MiniLmEmbedder embedder, string[] texts, float[] destination)
    {
        int dimension = embedder.Dimension;
        for (int i = 0; i < texts.Length; i++)
        {
            embedder.Embed(texts[i], destination.AsSpan(i * dimension, dimension));
        }
    }

    private static void Row(string name, double[] roundMs, int texts, double sum)
    {
        var sorted = (double[])roundMs.Clone();
        Array.Sort(sorted);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {texts * roundMs.Length / (sum / 1e3):N0} | {Quantile(sorted, 0.5) / texts:F3} | {sorted[0] / texts:F3} |"));
    }

    private static double Sum(double[] values)
    {
        double sum = 0;
        foreach (double value in values)
        {
            sum += value;
        }

        return sum;
    }

    private static double Quantile(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * (sorted.Length - 1) + 0.5))];
}
