namespace AgentDb.Simulation.Sizing;

/// <summary>The per-record costs <see cref="SizingProbe"/> measured, and the fixed costs of an empty memory.</summary>
internal sealed record SizingMeasurement
{
    /// <summary>The vector dimension of the measured records.</summary>
    public required int Dimension { get; init; }

    /// <summary>Records of each kind written.</summary>
    public required int Samples { get; init; }

    /// <summary>The size of an empty memory's data files after a checkpoint (write-ahead logs left out).</summary>
    public required long EmptyDiskBytes { get; init; }

    /// <summary>Resident memory an open, empty memory adds to the process.</summary>
    public required long EmptyResidentBytes { get; init; }

    /// <summary>One footprint per <see cref="RecordKind"/>, in enum order.</summary>
    public required IReadOnlyList<RecordFootprint> Footprints { get; init; }

    /// <summary>The footprint of <paramref name="kind"/>.</summary>
    public RecordFootprint this[RecordKind kind] => Footprints[(int)kind];
}
