using System.Diagnostics;
using System.Globalization;
using AgentDb.Memory;
using AgentDb.Memory.Embedding;
using AgentDb.Memory.Skills;

namespace AgentDb.Bench.Memory;

/// <summary>
/// A timed harness for concurrent <see cref="SkillLibrary.RecordUse"/> on ONE skill (issue #8): T tasks on the thread
/// pool each record U uses of the same skill, either through the synchronous method (each call blocks its pool thread;
/// before the fix it also held the skill's lock stripe across the durable commit) or through
/// <c>RecordUseAsync</c>. Default durability (the group commit). Reports throughput, latency percentiles per call, and
/// checks no update was lost (final uses = T × U).
/// Run: <c>dotnet run -c Release --project bench/AgentDb.Bench -- recorduse [--tasks 64] [--uses 20] [--mode sync|async|both] [--root DIR]</c>.
/// </summary>
internal static class RecordUseBenchmark
{
    public static int Run(string[] args)
    {
        string root = Path.Combine(Path.GetTempPath(), "agentdb-recorduse-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        int tasks = 64;
        int uses = 20;
        string mode = "both";
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--root" when i + 1 < args.Length:
                    root = args[++i];
                    break;
                case "--tasks" when i + 1 < args.Length:
                    tasks = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--uses" when i + 1 < args.Length:
                    uses = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--mode" when i + 1 < args.Length:
                    mode = args[++i];
                    break;
            }
        }

        ThreadPool.GetMinThreads(out int minWorkers, out _);
        Console.WriteLine($"# RecordUse on one skill: {tasks} concurrent tasks x {uses} uses, durability Group; {Environment.ProcessorCount} cores, min pool workers {minWorkers}, .NET {Environment.Version}");
        Console.WriteLine("| path | calls | wall s | calls/s | p50 ms | p99 ms | max ms | final uses |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        try
        {
            if (mode is "sync" or "both")
            {
                Measure(Path.Combine(root, "sync"), tasks, uses, async: false);
            }

            if (mode is "async" or "both")
            {
                Measure(Path.Combine(root, "async"), tasks, uses, async: true);
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

    private static void Measure(string path, int tasks, int uses, bool async)
    {
        Directory.CreateDirectory(path);
        using AgentMemory memory = AgentMemory.Open(path, new AgentMemoryOptions { Embedder = new HashingEmbedder(64) });
        memory.Skills.CreateSkill(new Skill { Name = "hot", Description = "a skill every agent uses", Code = "return x;" });
        var latencies = new double[tasks * uses];
        var running = new Task[tasks];
        var clock = Stopwatch.StartNew();
        for (int t = 0; t < tasks; t++)
        {
            int task = t;
            running[t] = Task.Run(async () =>
            {
                for (int i = 0; i < uses; i++)
                {
                    long start = Stopwatch.GetTimestamp();
                    bool success = i % 2 == 0;
                    if (async)
                    {
                        await memory.Skills.RecordUseAsync("hot", success, success ? 1 : 0, task);
                    }
                    else
                    {
                        memory.Skills.RecordUse("hot", success, success ? 1 : 0, task);
                    }

                    latencies[(task * uses) + i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }
            });
        }

        Task.WaitAll(running);
        clock.Stop();
        Array.Sort(latencies);
        long final = memory.Skills.GetSkill("hot")!.Uses;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| `{(async ? "RecordUseAsync" : "RecordUse (sync, on pool threads)")}` | {latencies.Length:N0} | {clock.Elapsed.TotalSeconds:F2} | {latencies.Length / clock.Elapsed.TotalSeconds:N0} | " +
            $"{latencies[latencies.Length / 2]:F1} | {latencies[(int)(latencies.Length * 0.99)]:F1} | {latencies[^1]:F1} | {final:N0} |"));
    }
}
