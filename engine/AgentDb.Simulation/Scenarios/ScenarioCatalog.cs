using AgentDb.Simulation.Scenarios.LeanAgenticSwarm;
using AgentDb.Simulation.Scenarios.Market;
using AgentDb.Simulation.Scenarios.MultiAgentSwarm;
using AgentDb.Simulation.Scenarios.ReflexionLearning;
using AgentDb.Simulation.Scenarios.Voting;

namespace AgentDb.Simulation.Scenarios;

/// <summary>The scenarios <c>agentdb simulate</c> knows, by name. Adding a scenario is one line in <see cref="All"/>.</summary>
public static class ScenarioCatalog
{
    /// <summary>Every scenario, in the order the help text lists them.</summary>
    public static IReadOnlyList<ISimulationScenario> All { get; } =
    [
        new LeanAgenticSwarmScenario(),
        new ReflexionLearningScenario(),
        new MultiAgentSwarmScenario(),
        new VotingConsensusScenario(),
        new StockMarketScenario(),
    ];

    /// <summary>The scenario called <paramref name="name"/> (ordinal, case-sensitive), or false.</summary>
    public static bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ISimulationScenario? scenario)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Name, name, StringComparison.Ordinal))
            {
                scenario = candidate;
                return true;
            }
        }
        scenario = null;
        return false;
    }

    /// <summary>The known names, comma-separated, for error messages and help.</summary>
    public static string Names()
    {
        var names = new string[All.Count];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = All[i].Name;
        }
        return string.Join(", ", names);
    }
}
