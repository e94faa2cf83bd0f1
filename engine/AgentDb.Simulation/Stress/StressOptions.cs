namespace AgentDb.Simulation.Stress;

/// <summary>The settings of <c>agentdb stress</c>.</summary>
internal sealed record StressOptions
{
    /// <summary>The analysis's agent counts.</summary>
    public static IReadOnlyList<int> DefaultAgents { get; } = [10, 50, 100, 500, 1_000, 5_000, 10_000];

    /// <summary>The analysis's concurrencies.</summary>
    public static IReadOnlyList<int> DefaultConcurrency { get; } = [1, 5, 10, 20, 50];

    /// <summary>The largest number of agents accepted.</summary>
    public const int MaxAgents = 1_000_000;

    /// <summary>The largest concurrency accepted (the client pool's connection limit).</summary>
    public const int MaxConcurrency = 1_024;

    /// <summary>Agent counts, one matrix row each.</summary>
    public IReadOnlyList<int> Agents { get; init; } = DefaultAgents;

    /// <summary>Concurrencies, one matrix column each.</summary>
    public IReadOnlyList<int> Concurrency { get; init; } = DefaultConcurrency;

    /// <summary>How long a cell issues operations (operations in flight at the end are still answered).</summary>
    public TimeSpan CellDuration { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>At most this many operations per cell (null: only the time bounds the cell).</summary>
    public long? MaxOperationsPerCell { get; init; }

    /// <summary>Percent of the retrievals scoped to the agent's own session (the rest search every session). Default 75.</summary>
    public int SessionSharePercent { get; init; } = 75;

    /// <summary>The vectors' dimension (the spawned server's hashing embedder is made with it).</summary>
    public int Dimension { get; init; } = 384;

    /// <summary>The seed of the task vectors and of each worker's random stream.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Run embedded (an <c>AgentMemory</c> in this process) instead of against a server.</summary>
    public bool Embedded { get; init; }

    /// <summary>An existing server's host; null to start one on loopback (unless <see cref="Embedded"/>).</summary>
    public string? ServerHost { get; init; }

    /// <summary>An existing server's protocol port.</summary>
    public int ServerPort { get; init; }

    /// <summary>The API key presented to the server at <see cref="ServerHost"/>; null when it has no keys.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Where to write the JSON report; null for none.</summary>
    public string? ReportPath { get; init; }

    /// <summary>Where to write the PNG plot; null for none.</summary>
    public string? PlotPath { get; init; }

    /// <summary>Keep every stored episode's id and session (for tests that check they are all retrievable).</summary>
    public bool RecordStoredEpisodes { get; init; }
}
