namespace AgentDb.Simulation.Scenarios;

/// <summary>The options every scenario understands (<c>agentdb simulate &lt;scenario&gt; [options]</c>).</summary>
public sealed record SimulationOptions
{
    /// <summary>The number of agents; null means the scenario's <see cref="ISimulationScenario.DefaultSwarmSize"/>.</summary>
    public int? SwarmSize { get; init; }

    /// <summary>Iterations (or rounds) to simulate.</summary>
    public int Iterations { get; init; } = 10;

    /// <summary>How many agents run their memory operations at once (1: one after another).</summary>
    public int Parallel { get; init; } = 1;

    /// <summary>Batch the writes of an iteration into one call where the scenario can (the analysis's "optimized" runs).</summary>
    public bool Optimize { get; init; }

    /// <summary>The seed of every random choice; the same seed gives the same simulated outcome.</summary>
    public int Seed { get; init; } = 42;
}
