using AgentDb.Kernels;
using AgentDb.Server.Bench.Ann.Candidates;
using AgentDb.Server.Bench.Ann.Data;

namespace AgentDb.Server.Tests.Bench.Ann.Candidates;

public sealed class USearchCandidateTests
{
    [Theory]
    [InlineData(DistanceMetric.Cosine)]
    [InlineData(DistanceMetric.L2Squared)]
    public void Search_ForAnIndexedVector_FindsItFirst(DistanceMetric metric)
    {
        var (baseVectors, _) = ClusteredGaussianGenerator.Generate(new GenerateSpec(500, 1, 16, 4, 21));
        using var candidate = new USearchCandidate(metric);
        candidate.Build(baseVectors, threads: 2);
        var ids = new long[5];
        int hits = 0;

        for (int i = 0; i < baseVectors.Count; i += 10)
        {
            int found = candidate.Search(baseVectors.Row(i), 5, 64, ids);
            Assert.Equal(5, found);
            hits += ids[0] == i ? 1 : 0;
        }

        Assert.True(hits >= 48, $"{hits} of 50 indexed vectors were found first");
        Assert.True(candidate.MemoryBytes > 500L * 16 * 4);
        Assert.Contains("usearch", candidate.Detail);
    }

    [Fact]
    public void Search_BeforeBuild_Throws()
    {
        using var candidate = new USearchCandidate(DistanceMetric.Cosine);

        Assert.Throws<InvalidOperationException>(() => candidate.Search(new float[4], 1, 16, new long[1]));
    }

    [Fact]
    public void BruteForce_FindsTheExactNeighbours()
    {
        var (baseVectors, queries) = ClusteredGaussianGenerator.Generate(new GenerateSpec(300, 12, 8, 3, 2));
        NeighborTable truth = GroundTruth.Compute(baseVectors, queries, DistanceMetric.Dot, 7, threads: 1);
        using var candidate = new BruteForceCandidate(DistanceMetric.Dot);
        candidate.Build(baseVectors, threads: 1);
        var ids = new long[7];

        for (int q = 0; q < queries.Count; q++)
        {
            Assert.Equal(7, candidate.Search(queries.Row(q), 7, 0, ids));
            Assert.Equal(truth.Row(q).ToArray().Select(i => (long)i), ids);
        }
    }
}
