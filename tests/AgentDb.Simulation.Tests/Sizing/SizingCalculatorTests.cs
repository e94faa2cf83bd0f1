using AgentDb.Simulation.Sizing;

namespace AgentDb.Simulation.Tests.Sizing;

public sealed class SizingCalculatorTests
{
    private static readonly SizingMeasurement s_measurement = new()
    {
        Dimension = 384,
        Samples = 2_000,
        EmptyDiskBytes = 1_000,
        EmptyResidentBytes = 10_000,
        Footprints =
        [
            Footprint(RecordKind.Episode, disk: 3_000, managed: 100, resident: 2_000),
            Footprint(RecordKind.Skill, disk: 4_000, managed: 300, resident: 200),
            Footprint(RecordKind.CausalEdge, disk: 300, managed: 50, resident: -20),
            Footprint(RecordKind.GraphNode, disk: 3_500, managed: 0, resident: 1_000),
            Footprint(RecordKind.GraphEdge, disk: 250, managed: 10, resident: 100),
        ],
    };

    [Fact]
    public void Estimate_IsCountsTimesMeasuredBytesPlusTheEmptyMemory()
    {
        var inputs = new SizingInputs { Episodes = 1_000_000, Skills = 10_000, CausalEdges = 500_000, GraphNodes = 100_000, GraphEdges = 300_000 };

        var estimate = SizingCalculator.Estimate(inputs, s_measurement);

        Assert.Equal([3e9, 4e7, 1.5e8, 3.5e8, 7.5e7], estimate.DiskBytesByKind);
        // Memory per record: the larger of resident and managed growth, never negative.
        Assert.Equal([2e9, 3e6, 2.5e7, 1e8, 3e7], estimate.MemoryBytesByKind);
        Assert.Equal(1_000 + 3e9 + 4e7 + 1.5e8 + 3.5e8 + 7.5e7, estimate.DiskBytes);
        Assert.Equal(10_000 + 2e9 + 3e6 + 2.5e7 + 1e8 + 3e7, estimate.MemoryBytes);
        Assert.Equal((estimate.DiskBytes * 2) + (256L << 20), estimate.RecommendedDiskBytes);
        // The analysis: 1.5 KB/episode, 2.4 KB/skill, 0.4 KB/causal edge, 2.5 KB/node, nothing for graph edges.
        Assert.Equal([1.5e9, 2.4e7, 2e8, 2.5e8, 0], estimate.AnalysisBytesByKind);
        Assert.Equal(1.5e9 + 2.4e7 + 2e8 + 2.5e8, estimate.AnalysisDiskBytes);
    }

    [Fact]
    public void Estimate_OfNothingIsTheEmptyMemory()
    {
        var estimate = SizingCalculator.Estimate(new SizingInputs(), s_measurement);
        Assert.Equal(1_000, estimate.DiskBytes);
        Assert.Equal(10_000, estimate.MemoryBytes);
        Assert.Equal(2_000 + (256L << 20), estimate.RecommendedDiskBytes);
    }

    [Fact]
    public void Estimate_RefusesNegativeCounts() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SizingCalculator.Estimate(new SizingInputs { Skills = -1 }, s_measurement));

    [Fact]
    public void AnalysisFigures_AreThePublishedOnes()
    {
        Assert.Equal(1_500, SizingCalculator.AnalysisBytes(RecordKind.Episode));
        Assert.Equal(2_400, SizingCalculator.AnalysisBytes(RecordKind.Skill));
        Assert.Equal(400, SizingCalculator.AnalysisBytes(RecordKind.CausalEdge));
        Assert.Equal(2_500, SizingCalculator.AnalysisBytes(RecordKind.GraphNode));
        Assert.Null(SizingCalculator.AnalysisBytes(RecordKind.GraphEdge));
    }

    private static RecordFootprint Footprint(RecordKind kind, double disk, double managed, double resident) => new()
    {
        Kind = kind,
        Samples = 2_000,
        DiskBytes = disk,
        ManagedBytes = managed,
        ResidentBytes = resident,
    };
}
