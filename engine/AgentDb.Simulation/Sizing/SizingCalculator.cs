namespace AgentDb.Simulation.Sizing;

/// <summary>
/// The sizing arithmetic: counts × measured bytes per record, plus the empty memory's fixed cost; the recommended disk
/// is <see cref="DiskHeadroomFactor"/> × the data plus <see cref="LogHeadroomBytes"/>. Beside it, the analysis's
/// figures (1.5 KB per episode, 2.4 KB per skill, 0.4 KB per causal edge, 2.5 KB per graph node; none for graph edges).
/// </summary>
internal static class SizingCalculator
{
    /// <summary>Disk to provision per byte of data: compactions and segment rewrites need the old and new files at once.</summary>
    public const double DiskHeadroomFactor = 2.0;

    /// <summary>The write-ahead log a store may hold before its automatic checkpoint (AgentDatabaseOptions.CheckpointLogBytes,
    /// 256 MiB by default).</summary>
    public const long LogHeadroomBytes = 256L << 20;

    /// <summary>The analysis's bytes per record for <paramref name="kind"/> (KB = 1,000 bytes), or null when it gives none.</summary>
    public static double? AnalysisBytes(RecordKind kind) => kind switch
    {
        RecordKind.Episode => 1_500,
        RecordKind.Skill => 2_400,
        RecordKind.CausalEdge => 400,
        RecordKind.GraphNode => 2_500,
        _ => null,
    };

    /// <summary>Estimates the footprint of <paramref name="inputs"/> from <paramref name="measurement"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative.</exception>
    public static SizingEstimate Estimate(SizingInputs inputs, SizingMeasurement measurement)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(measurement);
        var kinds = Enum.GetValues<RecordKind>();
        var disk = new double[kinds.Length];
        var memory = new double[kinds.Length];
        var analysis = new double[kinds.Length];
        double diskTotal = measurement.EmptyDiskBytes;
        double memoryTotal = measurement.EmptyResidentBytes;
        double analysisTotal = 0;
        foreach (var kind in kinds)
        {
            var count = inputs.Count(kind);
            ArgumentOutOfRangeException.ThrowIfNegative(count, kind.ToString());
            var footprint = measurement[kind];
            disk[(int)kind] = count * Math.Max(footprint.DiskBytes, 0);
            memory[(int)kind] = count * footprint.MemoryBytes;
            analysis[(int)kind] = count * (AnalysisBytes(kind) ?? 0);
            diskTotal += disk[(int)kind];
            memoryTotal += memory[(int)kind];
            analysisTotal += analysis[(int)kind];
        }
        return new SizingEstimate
        {
            Inputs = inputs,
            DiskBytesByKind = disk,
            MemoryBytesByKind = memory,
            AnalysisBytesByKind = analysis,
            DiskBytes = diskTotal,
            MemoryBytes = memoryTotal,
            RecommendedDiskBytes = (diskTotal * DiskHeadroomFactor) + LogHeadroomBytes,
            AnalysisDiskBytes = analysisTotal,
        };
    }
}
