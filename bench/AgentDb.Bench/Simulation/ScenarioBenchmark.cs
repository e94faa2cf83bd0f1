using System.Globalization;
using AgentDb.Memory;
using AgentDb.Memory.Embedding;
using AgentDb.Simulation.Runner;
using AgentDb.Simulation.Scenarios;
using AgentDb.Simulation.Scenarios.Market;
using AgentDb.Simulation.Scenarios.Voting;
using AgentDb.Simulation.Targets;

namespace AgentDb.Bench.Simulation;

/// <summary>
/// Throughput of the voting-consensus and stock-market simulations (issue 8) on the embedded engine, measured by the
/// same <see cref="SimulationRunner"/> that <c>agentdb simulate</c> uses (operations per second = memory operations
/// carried / wall time of the whole scenario, simulation included; a batched write of n episodes counts n). Each
/// configuration (the default swarm one agent at a time — the in-run baseline —, 4 at a time, all at once, and 1,000
/// agents all at once; with and without --optimize) runs <c>--repeat</c> times on a fresh temporary
/// directory, with the scenario's default swarm and iterations (voting-consensus 5 rounds, as the analysis; stock-market
/// 10 sessions, the command's default) unless --iterations is given; the table lists every run and the median.
/// Run: <c>dotnet run -c Release --project bench/AgentDb.Bench -- simulate-scenarios [--iterations N] [--repeat R] [--dimension D] [--seed S] [--swarm-size N] [--parallel P] [--tables] [--metrics-only]</c>.
/// </summary>
internal static class ScenarioBenchmark
{
    // The analysis's published throughput, ops/s.
    private static readonly Dictionary<string, double> s_analysis = new(StringComparer.Ordinal)
    {
        ["voting-consensus"] = 1.92,
        ["stock-market"] = 2.77,
    };

    public static async Task<int> RunAsync(string[] args)
    {
        int? iterations = null;
        int repeat = 3;
        int dimension = SimulationRunSettings.DefaultDimension;
        bool metricsOnly = false;
        bool tables = false;
        int? onlySwarm = null;
        int? onlyParallel = null;
        int seed = 42;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--iterations" && i + 1 < args.Length)
            {
                iterations = int.Parse(args[++i], CultureInfo.InvariantCulture);
            }
            else if (args[i] == "--repeat" && i + 1 < args.Length)
            {
                repeat = int.Parse(args[++i], CultureInfo.InvariantCulture);
            }
            else if (args[i] == "--seed" && i + 1 < args.Length)
            {
                seed = int.Parse(args[++i], CultureInfo.InvariantCulture);
            }
            else if (args[i] == "--tables")
            {
                tables = true;
            }
            else if (args[i] == "--parallel" && i + 1 < args.Length)
            {
                onlyParallel = int.Parse(args[++i], CultureInfo.InvariantCulture);
            }
            else if (args[i] == "--swarm-size" && i + 1 < args.Length)
            {
                onlySwarm = int.Parse(args[++i], CultureInfo.InvariantCulture);
            }
            else if (args[i] == "--metrics-only")
            {
                metricsOnly = true;
            }
            else if (args[i] == "--dimension" && i + 1 < args.Length)
            {
                dimension = int.Parse(args[++i], CultureInfo.InvariantCulture);
            }
        }

        ISimulationScenario[] scenarios = [new VotingConsensusScenario(), new StockMarketScenario()];
        // (swarm, parallel, optimize); swarm 0 = the scenario's default (50 voters, 100 traders), parallel 0 = the swarm.
        (int Swarm, int Parallel, bool Optimize)[] configurations =
        [
            (0, 1, false), (0, 1, true), (0, 4, false), (0, 0, false), (0, 0, true),
            (1_000, 4, false), (1_000, 4, true), (1_000, 0, false), (1_000, 0, true),
        ];
        // As agentdb simulate does: threads for every agent running at once, so none waits for the pool to grow.
        ThreadPool.GetMinThreads(out int workers, out int completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, 1_000 + Environment.ProcessorCount), completionPorts);
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"simulate-scenarios: iterations {(iterations is { } n ? n.ToString(c) : "voting 5 / market 10")}, dimension {dimension}, repeat {repeat}, embedded, seed {seed}"));
        Console.WriteLine(string.Create(c, $"{"scenario",-18} {"agents",6} {"par",5} {"opt",4} {"ops",6} {"calls",6} {"median s",9} {"median ops/s",13} {"× analysis",11} {"success",8} {"p50 ms",8} {"p99 ms",8}  runs ops/s"));
        bool allSucceeded = true;
        foreach (var scenario in scenarios)
        {
            int rounds = iterations ?? (scenario is VotingConsensusScenario ? 5 : 10);
            foreach (var (swarmOption, parallelOption, optimize) in metricsOnly ? [] : configurations)
            {
                int swarm = swarmOption == 0 ? scenario.DefaultSwarmSize : swarmOption;
                int parallel = parallelOption == 0 ? swarm : parallelOption;
                if ((onlySwarm is { } only && only != swarm) || (onlyParallel is { } p && p != parallel))
                {
                    continue;
                }
                var results = new List<SimulationResult>(repeat);
                for (int r = 0; r < repeat; r++)
                {
                    var dir = Directory.CreateTempSubdirectory("agentdb-simbench-");
                    try
                    {
                        await using var target = EmbeddedMemoryTarget.Open(dir.FullName, new AgentMemoryOptions { Embedder = new HashingEmbedder(dimension) });
                        var options = new SimulationOptions { SwarmSize = swarm, Iterations = rounds, Parallel = parallel, Optimize = optimize, Seed = seed };
                        var result = await SimulationRunner.RunAsync(scenario, target, options, null, CancellationToken.None);
                        results.Add(result);
                        if (tables)
                        {
                            SimulationReport.WriteTable(result, Console.Out);
                        }
                    }
                    finally
                    {
                        dir.Delete(recursive: true);
                    }
                }

                results.Sort(static (a, b) => a.OperationsPerSecond.CompareTo(b.OperationsPerSecond));
                var median = results[results.Count / 2];
                double minSuccess = 1;
                var runs = new List<string>(results.Count);
                foreach (var result in results)
                {
                    minSuccess = Math.Min(minSuccess, result.Completed ? result.SuccessRate : 0);
                    runs.Add(result.OperationsPerSecond.ToString("N0", c));
                }
                allSucceeded &= minSuccess == 1;
                Console.WriteLine(string.Create(c,
                    $"{scenario.Name,-18} {swarm,6} {parallel,5} {(optimize ? "yes" : "no"),4} {median.Operations,6:D} {median.Calls,6:D} {median.ElapsedSeconds,9:F3} {median.OperationsPerSecond,13:N0} {median.OperationsPerSecond / s_analysis[scenario.Name],10:N0}× {minSuccess * 100,7:F1}% {median.P50Ms,8:F3} {median.P99Ms,8:F3}  {string.Join(" ", runs)}"));
            }
            // The scenario's own metrics of the last run (the same for every run: they depend on the seed only).
            Console.Write($"  {scenario.Name} metrics:");
            var last = await MetricsRunAsync(scenario, rounds, dimension, seed);
            foreach (var (name, value) in last.Metrics)
            {
                Console.Write(string.Create(c, $" {name}={value:G6}"));
            }
            Console.WriteLine();
            foreach (var (name, points) in last.Series)
            {
                var values = new List<string>(points.Count);
                foreach (var (_, value) in points)
                {
                    values.Add(value.ToString("G4", c));
                }
                Console.WriteLine($"    {name}: {string.Join(" ", values)}");
            }
        }
        return allSucceeded ? 0 : 1;
    }

    private static async Task<SimulationResult> MetricsRunAsync(ISimulationScenario scenario, int iterations, int dimension, int seed)
    {
        var dir = Directory.CreateTempSubdirectory("agentdb-simbench-");
        try
        {
            await using var target = EmbeddedMemoryTarget.Open(dir.FullName, new AgentMemoryOptions { Embedder = new HashingEmbedder(dimension) });
            return await SimulationRunner.RunAsync(scenario, target, new SimulationOptions { Iterations = iterations, Seed = seed }, null, CancellationToken.None);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
