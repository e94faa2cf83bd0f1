using System.Diagnostics;
using System.Globalization;
using AgentDb.Memory.Embedding;

namespace AgentDb.Bench.Memory;

/// <summary>
/// MiniLM one text per model call against <see cref="MiniLmEmbedder.EmbedBatch"/> of the 32 texts of
/// <see cref="EmbeddingTexts"/>, as a timed harness for a shared machine: each round embeds the 32 texts both ways, in
/// alternating order, so a load change hits both alike; the speed-up is reported per round (median, quartiles) and over
/// the sums. <c>--slacks</c> compares padding slacks of the length-sorted chunking (10000: one call for all 32).
/// <c>--modes</c> says how <c>EmbedBatch</c> runs its model calls: <c>parallel</c> (the shipped default: in parallel on a
/// second one-thread session), <c>sequential</c> (one after another on the first session, the path before parallel
/// batches), <c>main</c> (in parallel on the first session); one row per mode and slack.
/// Run: <c>dotnet run -c Release --project bench/AgentDb.Bench -- embed-batch [--rounds 40] [--threads 0] [--slacks 25,50,100,10000] [--modes parallel,sequential,main]</c>.
/// </summary>
internal static class EmbeddingBatchBenchmark
{
    public static int Run(string[] args)
    {
        int rounds = 40;
        int threads = 0;
        int[] slacks = [50];
        string[] modeNames = ["parallel", "sequential"];
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
                case "--modes" when i + 1 < args.Length:
                    modeNames = args[++i].Split(',');
                    break;
                default:
                    throw new ArgumentException(
                        $"Unknown argument '{args[i]}'. Usage: embed-batch [--rounds 40] [--threads 0] [--slacks 25,50,100,10000] [--modes parallel,sequential,main]");
            }
        }

        SentenceOnnxModel.BatchParallelism[] modes = Array.ConvertAll(modeNames, ParseMode);
        long rssBefore = ResidentBytes();
        using var embedder = new MiniLmEmbedder(threads);
        embedder.Load();
        long rssLoaded = ResidentBytes();
        string[] texts = EmbeddingTexts.All;
        int dimension = embedder.Dimension;
        var destination = new float[texts.Length * dimension];

        // Path 0: one text per call; then EmbedBatch in each mode at each padding slack. Warm-up: every path twice.
        var paths = new List<(SentenceOnnxModel.BatchParallelism Mode, int Slack)> { default };
        foreach (SentenceOnnxModel.BatchParallelism mode in modes)
        {
            foreach (int slack in slacks)
            {
                paths.Add((mode, slack));
            }
        }

        var calls = new int[paths.Count];
        for (int w = 0; w < 2; w++)
        {
            for (int p = 0; p < paths.Count; p++)
            {
                calls[p] = RunPath(embedder, texts, destination, p, paths);
            }
        }

        long rssWarm = ResidentBytes();

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# MiniLM ({MiniLmEmbedder.ModelName}), {texts.Length} texts, threads {(threads == 0 ? "ONNX default" : threads.ToString(CultureInfo.InvariantCulture))}, {rounds} rounds, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load average {MemoryBenchmark.LoadAverage()}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# RSS: {rssBefore / 1048576.0:F0} MB before the model, {rssLoaded / 1048576.0:F0} MB loaded (one session), {rssWarm / 1048576.0:F0} MB after the warm-up (batch session {(Array.IndexOf(modes, SentenceOnnxModel.BatchParallelism.BatchSession) >= 0 ? "created" : "not used")})"));
        var times = new double[paths.Count][];
        for (int p = 0; p < paths.Count; p++)
        {
            times[p] = new double[rounds];
        }

        for (int r = 0; r < rounds; r++)
        {
            for (int turn = 0; turn < paths.Count; turn++)
            {
                int p = (turn + r) % paths.Count;
                long began = Stopwatch.GetTimestamp();
                RunPath(embedder, texts, destination, p, paths);
                times[p][r] = Stopwatch.GetElapsedTime(began).TotalMilliseconds;
            }
        }

        SentenceOnnxModel.PaddingSlackPercent = slacks.Length > 0 ? slacks[0] : SentenceOnnxModel.PaddingSlackPercent;
        SentenceOnnxModel.Parallelism = SentenceOnnxModel.BatchParallelism.BatchSession;
        Console.WriteLine("| path | model calls | texts/s (sum) | ms per text, median round | ms per text, best round | speed-up over the sums | speed-up per round: median (quartiles) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        double baseSum = Sum(times[0]);
        for (int p = 0; p < paths.Count; p++)
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
            string name = p == 0 ? "one text per call (baseline)" : $"EmbedBatch of 32, {ModeLabel(paths[p].Mode)}, padding slack {paths[p].Slack} %";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {calls[p]} | {texts.Length * rounds / (sum / 1e3):N0} | {Quantile(sorted, 0.5) / texts.Length:F3} | {sorted[0] / texts.Length:F3} | {baseSum / sum:F2}x | {Quantile(ratios, 0.5):F2}x ({Quantile(ratios, 0.25):F2}x–{Quantile(ratios, 0.75):F2}x) |"));
        }

        Console.WriteLine($"(load average {MemoryBenchmark.LoadAverage()})");
        return 0;
    }

    /// <summary>Runs path <paramref name="p"/> once; returns the model calls it made.</summary>
    private static int RunPath(
        MiniLmEmbedder embedder, string[] texts, float[] destination, int p, List<(SentenceOnnxModel.BatchParallelism Mode, int Slack)> paths)
    {
        if (p == 0)
        {
            OneAtATime(embedder, texts, destination);
            return texts.Length;
        }

        SentenceOnnxModel.PaddingSlackPercent = paths[p].Slack;
        SentenceOnnxModel.Parallelism = paths[p].Mode;
        embedder.EmbedBatch(texts, destination);
        return SentenceOnnxModel.LastBatchCalls;
    }

    private static SentenceOnnxModel.BatchParallelism ParseMode(string name) => name switch
    {
        "parallel" => SentenceOnnxModel.BatchParallelism.BatchSession,
        "sequential" => SentenceOnnxModel.BatchParallelism.Sequential,
        "main" => SentenceOnnxModel.BatchParallelism.MainSession,
        _ => throw new ArgumentException($"Unknown mode '{name}': parallel, sequential or main."),
    };

    private static string ModeLabel(SentenceOnnxModel.BatchParallelism mode) => mode switch
    {
        SentenceOnnxModel.BatchParallelism.BatchSession => "calls in parallel on a second 1-thread session (shipped)",
        SentenceOnnxModel.BatchParallelism.Sequential => "calls one after another (previous path)",
        _ => "calls in parallel on the first session",
    };

    /// <summary>VmRSS of this process (Linux), else the working set .NET reports.</summary>
    private static long ResidentBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.WorkingSet64;
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
