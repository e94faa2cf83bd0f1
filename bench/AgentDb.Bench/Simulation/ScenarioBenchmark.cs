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
/// configuration (parallel 1 and 4, with and without --optimize) runs <c>--repeat</c> times on a fresh temporary
/// directory, with the scenario's default swarm and iterations (voting-consensus 5 rounds, as the analysis; stock-market
/// 10 sessions, the command's default) unless --iterations is given; the table lists every run and the median.
/// Run: <c>dotnet run -c Release --project bench/AgentDb.Bench -- simulate-scenarios [--iterations N] [--repeat R] [--dimension D] [--seed S] [--metrics-only]</c>.
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
        (int Parallel, bool Optimize)[] configurations = [(1, false), (1, true), (4, false), (4, true)];
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"simulate-scenarios: iterations {(iterations is { } n ? n.ToString(c) : "voting 5 / market 10")}, dimension {dimension}, repeat {repeat}, embedded, seed {seed}"));
        Console.WriteLine(string.Create(c, $"{"scenario",-18} {"par",3} {"opt",4} {"ops",6} {"calls",6} {"median s",9} {"median ops/s",13} {"× analysis",11} {"success",8} {"p50 ms",8} {"p99 ms",8}  runs ops/s"));
        bool allSucceeded = true;
        foreach (var scenario in scenarios)
        {
            int rounds = iterations ?? (scenario is VotingConsensusScenario ? 5 : 10);
            foreach (var (parallel, optimize) in metricsOnly ? [] : configurations)
            {
                var results = new List<SimulationResult>(repeat);
                for (int r = 0; r < repeat; r++)
                {
                    var dir = Directory.CreateTempSubdirectory("agentdb-simbench-");
                    try
                    {
                        await using var target = EmbeddedMemoryTarget.Open(dir.FullName, new AgentMemoryOptions { Embedder = new HashingEmbedder(dimension) });
                        var options = new SimulationOptions { Iterations = rounds, Parallel = parallel, Optimize = optimize, Seed = seed };
                        results.Add(await SimulationRunner.RunAsync(scenario, target, options, null, CancellationToken.None));
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
                    $"{scenario.Name,-18} {parallel,3} {(optimize ? "yes" : "no"),4} {median.Operations,6} {median.Calls,6} {median.ElapsedSeconds,9:F3} {median.OperationsPerSecond,13:N0} {median.OperationsPerSecond / s_analysis[scenario.Name],10:N0}× {minSuccess * 100,7:F1}% {median.P50Ms,8:F3} {median.P99Ms,8:F3}  {string.Join(" ", runs)}"));
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
