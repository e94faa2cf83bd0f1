using System.Diagnostics;
using System.Globalization;
using AgentDb.Memory.Embedding;

namespace AgentDb.Bench.Memory;

/// <summary>
/// MiniLM one text per model call against <see cref="MiniLmEmbedder.EmbedBatch"/> of the 32 texts of
/// <see cref="EmbeddingTexts"/>, as a timed harness for a shared machine: each round embeds the 32 texts both ways, in
/// alternating order, so a load change hits both alike; the speed-up is reported per round (median, quartiles) and over
/// the sums. <c>--slacks</c> compares padding slacks of the length-sorted chunking (10000: one call for all 32).
/// Run: <c>dotnet run -c Release --project bench/AgentDb.Bench -- embed-batch [--rounds 40] [--threads 0] [--slacks 25,50,100,10000]</c>.
/// </summary>
internal static class EmbeddingBatchBenchmark
{
    public static int Run(string[] args)
    {
        int rounds = 40;
        int threads = 0;
        int[] slacks = [25];
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
                case "--slacks" when i + 1 < args.Length:
                    slacks = Array.ConvertAll(args[++i].Split(','), s => int.Parse(s, CultureInfo.InvariantCulture));
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'. Usage: embed-batch [--rounds 40] [--threads 0] [--slacks 25,50,100,10000]");
            }
        }

        using var embedder = new MiniLmEmbedder(threads);
        embedder.Load();
        string[] texts = EmbeddingTexts.All;
        int dimension = embedder.Dimension;
        var destination = new float[texts.Length * dimension];

        // Path 0: one text per call; then EmbedBatch at each padding slack. Warm-up: every path twice.
        int paths = 1 + slacks.Length;
        var calls = new int[paths];
        for (int w = 0; w < 2; w++)
        {
            for (int p = 0; p < paths; p++)
            {
                calls[p] = RunPath(embedder, texts, destination, p, slacks);
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# MiniLM ({MiniLmEmbedder.ModelName}), {texts.Length} texts, threads {(threads == 0 ? "ONNX default" : threads.ToString(CultureInfo.InvariantCulture))}, {rounds} rounds, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load average {MemoryBenchmark.LoadAverage()}"));
        var times = new double[paths][];
        for (int p = 0; p < paths; p++)
        {
            times[p] = new double[rounds];
        }

        for (int r = 0; r < rounds; r++)
        {
            for (int turn = 0; turn < paths; turn++)
            {
                int p = (turn + r) % paths;
                long began = Stopwatch.GetTimestamp();
                RunPath(embedder, texts, destination, p, slacks);
                times[p][r] = Stopwatch.GetElapsedTime(began).TotalMilliseconds;
            }
        }

        SentenceOnnxModel.PaddingSlackPercent = slacks.Length > 0 ? slacks[0] : SentenceOnnxModel.PaddingSlackPercent;
        Console.WriteLine("| path | model calls | texts/s (sum) | ms per text, median round | ms per text, best round | speed-up over the sums | speed-up per round: median (quartiles) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        double baseSum = Sum(times[0]);
        for (int p = 0; p < paths; p++)
        {
            var ratios = new double[rounds];
            for (int r = 0; r < rounds; r++)
            {
                ratios[r] = times[0][r] / times[p][r];
            }

            Array.Sort(ratios);
            var sorted = (double[])times[p].Clone();
            Array.Sort(sorted);
            double sum = Sum(times[p]);
            string name = p == 0 ? "one text per call (baseline)" : $"EmbedBatch of 32, padding slack {slacks[p - 1]} %";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {calls[p]} | {texts.Length * rounds / (sum / 1e3):N0} | {Quantile(sorted, 0.5) / texts.Length:F3} | {sorted[0] / texts.Length:F3} | {baseSum / sum:F2}x | {Quantile(ratios, 0.5):F2}x ({Quantile(ratios, 0.25):F2}x–{Quantile(ratios, 0.75):F2}x) |"));
        }

        Console.WriteLine($"(load average {MemoryBenchmark.LoadAverage()})");
        return 0;
    }

    /// <summary>Runs path <paramref name="p"/> once; returns the model calls it made.</summary>
    private static int RunPath(MiniLmEmbedder embedder, string[] texts, float[] destination, int p, int[] slacks)
    {
        if (p == 0)
        {
            OneAtATime(embedder, texts, destination);
            return texts.Length;
        }

        SentenceOnnxModel.PaddingSlackPercent = slacks[p - 1];
        embedder.EmbedBatch(texts, destination);
        return SentenceOnnxModel.LastBatchCalls;
    }

    private static void OneAtATime(MiniLmEmbedder embedder, string[] texts, float[] destination)
    {
        int dimension = embedder.Dimension;
        for (int i = 0; i < texts.Length; i++)
        {
            embedder.Embed(texts[i], destination.AsSpan(i * dimension, dimension));
        }
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
