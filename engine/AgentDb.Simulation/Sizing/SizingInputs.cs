namespace AgentDb.Simulation.Sizing;

/// <summary>How many records of each kind the memory is to hold.</summary>
internal sealed record SizingInputs
{
    /// <summary>Reflexion episodes.</summary>
    public long Episodes { get; init; }

    /// <summary>Skills.</summary>
    public long Skills { get; init; }

    /// <summary>Causal edges.</summary>
    public long CausalEdges { get; init; }

    /// <summary>Graph nodes.</summary>
    public long GraphNodes { get; init; }

    /// <summary>Graph edges.</summary>
    public long GraphEdges { get; init; }

    /// <summary>The count of <paramref name="kind"/>.</summary>
    public long Count(RecordKind kind) => kind switch
    {
        RecordKind.Episode => Episodes,
        RecordKind.Skill => Skills,
        RecordKind.CausalEdge => CausalEdges,
        RecordKind.GraphNode => GraphNodes,
        RecordKind.GraphEdge => GraphEdges,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown record kind"),
    };
}
