namespace AgentDb.Simulation.Sizing;

/// <summary>What one record of a kind costs, measured on a scratch database by <see cref="SizingProbe"/>.</summary>
internal sealed record RecordFootprint
{
    /// <summary>The kind.</summary>
    public required RecordKind Kind { get; init; }

    /// <summary>Records written to measure it.</summary>
    public required int Samples { get; init; }

    /// <summary>Growth of the database directory after a checkpoint, per record.</summary>
    public required double DiskBytes { get; init; }

    /// <summary>Growth of the managed heap (after a full collection), per record.</summary>
    public required double ManagedBytes { get; init; }

    /// <summary>Growth of the process's resident memory, per record (managed and native: RocksDB, mapped segments).
    /// Noisier than the others: the allocator and the GC do not return memory at once.</summary>
    public required double ResidentBytes { get; init; }

    /// <summary>The memory figure the calculator uses: the resident growth, or the managed growth when that is larger
    /// (resident memory can stay flat while the heap grows into memory the process already held).</summary>
    public double MemoryBytes => Math.Max(Math.Max(ResidentBytes, ManagedBytes), 0);

    /// <summary>The analysis's per-record figure for this kind, or null when it gives none (graph edges).</summary>
    public double? AnalysisBytes => SizingCalculator.AnalysisBytes(Kind);
}
