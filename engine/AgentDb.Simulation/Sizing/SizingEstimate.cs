namespace AgentDb.Simulation.Sizing;

/// <summary>What <see cref="SizingCalculator"/> estimates for a memory of <see cref="Inputs"/>.</summary>
internal sealed record SizingEstimate
{
    /// <summary>The counts asked for.</summary>
    public required SizingInputs Inputs { get; init; }

    /// <summary>Bytes on disk by kind (count × measured bytes per record), in <see cref="RecordKind"/> order.</summary>
    public required IReadOnlyList<double> DiskBytesByKind { get; init; }

    /// <summary>Bytes in memory by kind, in <see cref="RecordKind"/> order.</summary>
    public required IReadOnlyList<double> MemoryBytesByKind { get; init; }

    /// <summary>The analysis's bytes on disk by kind (count × its per-record figure; 0 where it gives none).</summary>
    public required IReadOnlyList<double> AnalysisBytesByKind { get; init; }

    /// <summary>The data on disk: an empty memory's files plus every record.</summary>
    public required double DiskBytes { get; init; }

    /// <summary>Resident memory: an empty open memory plus every record.</summary>
    public required double MemoryBytes { get; init; }

    /// <summary>The disk to provision: <see cref="SizingCalculator.DiskHeadroomFactor"/> × the data (room for RocksDB
    /// compactions and segment rewrites, which write the new files before deleting the old) plus the write-ahead log a
    /// store keeps before an automatic checkpoint trims it.</summary>
    public required double RecommendedDiskBytes { get; init; }

    /// <summary>The analysis's total for the same counts (kinds it gives a figure for).</summary>
    public required double AnalysisDiskBytes { get; init; }
}
