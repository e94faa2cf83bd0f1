using AgentDb.Simulation.Scenarios;

namespace AgentDb.Simulation.Runner;

/// <summary>One <c>agentdb simulate</c> invocation, parsed and validated: which scenario, its options, where the memory
/// lives (embedded in a directory, or a server) and where the JSON report goes.</summary>
public sealed record SimulationRunSettings
{
    /// <summary>The dimension of the embedded memory's vectors (the scenarios supply their own vectors; a server's
    /// dimension is the server's).</summary>
    public const int DefaultDimension = 128;

    /// <summary>The scenario's name (one of <see cref="ScenarioCatalog.All"/>).</summary>
    public required string Scenario { get; init; }

    /// <summary>The scenario's options.</summary>
    public SimulationOptions Options { get; init; } = new();

    /// <summary>The embedded memory's directory; null: a fresh temporary directory, deleted after the run. Ignored with
    /// a server.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>The server's host; null: embedded.</summary>
    public string? ServerHost { get; init; }

    /// <summary>The server's protocol port (with <see cref="ServerHost"/>).</summary>
    public int ServerPort { get; init; }

    /// <summary>The API key for the server; null when it runs without keys.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Where to write the JSON report; null: none.</summary>
    public string? ReportPath { get; init; }

    /// <summary>The embedded memory's vector dimension.</summary>
    public int Dimension { get; init; } = DefaultDimension;
}
