using AgentDb.Memory;
using AgentDb.Memory.Embedding;
using AgentDb.Simulation.Runner;
using AgentDb.Simulation.Scenarios;
using AgentDb.Simulation.Targets;

namespace AgentDb.Simulation.Tests.Support;

/// <summary>Runs scenarios on an embedded memory in a test's directory.</summary>
internal static class Simulations
{
    public const int Dimension = 32;

    public static EmbeddedMemoryTarget OpenEmbedded(string path) =>
        EmbeddedMemoryTarget.Open(path, new AgentMemoryOptions { Embedder = new HashingEmbedder(Dimension) });

    public static async Task<SimulationResult> RunAsync(ISimulationScenario scenario, IMemoryTarget target, SimulationOptions options)
    {
        var result = await SimulationRunner.RunAsync(scenario, target, options, progress: null, CancellationToken.None);
        Assert.True(result.Completed, result.Error);
        return result;
    }

    public static double Metric(SimulationResult result, string name)
    {
        foreach (var (key, value) in result.Metrics)
        {
            if (key == name)
            {
                return value;
            }
        }
        Assert.Fail($"no metric '{name}'");
        return 0;
    }

    public static OperationSummary Operation(SimulationResult result, string name)
    {
        foreach (var kind in result.OperationKinds)
        {
            if (kind.Name == name)
            {
                return kind;
            }
        }
        Assert.Fail($"no operation '{name}'");
        return null!;
    }
}
