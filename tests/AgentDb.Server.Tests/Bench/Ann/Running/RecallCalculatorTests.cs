using AgentDb.Server.Bench.Ann.Data;
using AgentDb.Server.Bench.Ann.Running;

namespace AgentDb.Server.Tests.Bench.Ann.Running;

public sealed class RecallCalculatorTests
{
    [Fact]
    public void MeanRecall_OfTheGroundTruthItself_IsOne()
    {
        var truth = new NeighborTable([1, 2, 3, 4, 5, 6], 2, 3);

        Assert.Equal(1.0, RecallCalculator.MeanRecall(truth, truth, 3));
    }

    [Fact]
    public void MeanRecall_IgnoresOrderWithinTheTopK()
    {
        var truth = new NeighborTable([1, 2, 3], 1, 3);
        var found = new NeighborTable([3, 1, 2], 1, 3);

        Assert.Equal(1.0, RecallCalculator.MeanRecall(found, truth, 3));
    }

    [Fact]
    public void MeanRecall_AveragesPerQueryShares()
    {
        // Query 0 finds 2 of its 4, query 1 finds 1 of 4: mean (0.5 + 0.25) / 2.
        var truth = new NeighborTable([0, 1, 2, 3, 10, 11, 12, 13], 2, 4);
        var found = new NeighborTable([0, 9, 2, 8, 13, 7, 6, 5], 2, 4);

        Assert.Equal(0.375, RecallCalculator.MeanRecall(found, truth, 4), 12);
    }

    [Fact]
    public void MeanRecall_UsesOnlyTheFirstKOfAWiderGroundTruth()
    {
        // Ground truth is 5 wide; recall@2 counts hits on {7, 8} only, among the first 2 answers.
        var truth = new NeighborTable([7, 8, 9, 10, 11], 1, 5);
        var found = new NeighborTable([9, 8, 7], 1, 3);

        Assert.Equal(0.5, RecallCalculator.MeanRecall(found, truth, 2), 12);
    }

    [Fact]
    public void MeanRecall_CountsDuplicatesAndEmptySlotsForNothing()
    {
        var truth = new NeighborTable([1, 2, 3, 4], 1, 4);
        var found = new NeighborTable([1, 1, -1, 4], 1, 4);

        Assert.Equal(0.5, RecallCalculator.MeanRecall(found, truth, 4), 12);
    }

    [Fact]
    public void MeanRecall_RejectsMismatchedShapes()
    {
        var truth = new NeighborTable([1, 2, 3, 4], 2, 2);

        Assert.Throws<ArgumentException>(() => RecallCalculator.MeanRecall(new NeighborTable([1, 2], 1, 2), truth, 2));
        Assert.Throws<ArgumentException>(() => RecallCalculator.MeanRecall(truth, truth, 3));
    }
}
