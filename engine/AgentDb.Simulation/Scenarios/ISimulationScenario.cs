namespace AgentDb.Simulation.Scenarios;

/// <summary>
/// One multi-agent simulation of <c>agentdb simulate</c>: a real, small simulation whose agents store and retrieve
/// memory through <see cref="ScenarioContext.Memory"/>. A scenario is deterministic for a given
/// <see cref="SimulationOptions.Seed"/>: its simulated outcome (the metrics it reports with
/// <see cref="ScenarioContext.SetMetric"/> and <see cref="ScenarioContext.AddPoint"/>) depends on the seed and the
/// options only, never on timing or on the order in which parallel agents finish.
/// </summary>
public interface ISimulationScenario
{
    /// <summary>The command-line name, e.g. "lean-agentic-swarm".</summary>
    string Name { get; }

    /// <summary>One line for the help text.</summary>
    string Description { get; }

    /// <summary>The swarm size used when the options give none.</summary>
    int DefaultSwarmSize { get; }

    /// <summary>The iterations (or rounds) used when the options give none: the analysis's own setting for the
    /// scenario where it names one (voting-consensus: 5 rounds), 10 otherwise.</summary>
    int DefaultIterations => 10;

    /// <summary>Runs the simulation to its end. Memory operations go through <see cref="ScenarioContext.MeasureAsync{T}(string, Func{ValueTask{T}})"/>
    /// so that they are timed and counted; a failed operation is counted and rethrown, and the scenario decides whether
    /// the agent carries on.</summary>
    Task RunAsync(ScenarioContext context, CancellationToken cancellationToken);
}
