using AgentDb.Kernels;
using AgentDb.Server.Bench.Ann.Data;

namespace AgentDb.Server.Tests.Bench.Ann.Data;

public sealed class GroundTruthTests
{
    [Theory]
    [InlineData(DistanceMetric.Cosine)]
    [InlineData(DistanceMetric.L2Squared)]
    [InlineData(DistanceMetric.Dot)]
    public void Compute_MatchesNaiveDoublePrecisionNeighbours(DistanceMetric metric)
    {
        var (baseVectors, queries) = ClusteredGaussianGenerator.Generate(new GenerateSpec(600, 40, 23, 5, 11));
        const int k = 25;

        NeighborTable table = GroundTruth.Compute(baseVectors, queries, metric, k, threads: 3);

        Assert.Equal(40, table.Rows);
        Assert.Equal(k, table.Width);
        int exactRows = 0;
        for (int q = 0; q < queries.Count; q++)
        {
            double[] naive = Enumerable.Range(0, baseVectors.Count).Select(i => NaiveDistance(metric, queries.Row(q), baseVectors.Row(i))).ToArray();
            int[] expected = Enumerable.Range(0, baseVectors.Count).OrderBy(i => naive[i]).ThenBy(i => i).Take(k).ToArray();
            ReadOnlySpan<int> actual = table.Row(q);
            Assert.Equal(k, new HashSet<int>(actual.ToArray()).Count);

            // Float and double rounding may swap near-ties; the distances at each rank must still agree.
            for (int j = 0; j < k; j++)
            {
                Assert.True(
                    Math.Abs(naive[actual[j]] - naive[expected[j]]) <= 1e-4 * Math.Max(1, Math.Abs(naive[expected[j]])),
                    $"query {q} rank {j}: id {actual[j]} at {naive[actual[j]]}, expected id {expected[j]} at {naive[expected[j]]}");
            }

            if (actual.SequenceEqual(expected))
            {
                exactRows++;
            }
        }

        Assert.True(exactRows >= queries.Count - 2, $"only {exactRows} of {queries.Count} rows match the naive order exactly");
    }

    [Fact]
    public void Compute_IsTheSameWhateverTheThreadCount()
    {
        var (baseVectors, queries) = ClusteredGaussianGenerator.Generate(new GenerateSpec(500, 64, 16, 4, 3));

        NeighborTable one = GroundTruth.Compute(baseVectors, queries, DistanceMetric.L2Squared, 10, threads: 1);
        NeighborTable four = GroundTruth.Compute(baseVectors, queries, DistanceMetric.L2Squared, 10, threads: 4);

        Assert.Equal(one.Ids, four.Ids);
    }

    [Fact]
    public void Compute_BreaksTiesBySmallerId()
    {
        // Three copies of the query (1,0) at ids 1, 4 and 5; id 0 is the next nearest.
        float[] data = [5, 5, 1, 0, 7, 7, 9, 9, 1, 0, 1, 0];
        var baseVectors = new VectorSet(data, 6, 2);
        var queries = new VectorSet([1, 0], 1, 2);

        NeighborTable table = GroundTruth.Compute(baseVectors, queries, DistanceMetric.L2Squared, 4, threads: 1);

        Assert.Equal([1, 4, 5, 0], table.Row(0).ToArray());
    }

    [Fact]
    public void Compute_WithFewerBaseVectorsThanK_PadsWithMinusOne()
    {
        var baseVectors = new VectorSet([0, 0, 3, 3], 2, 2);
        var queries = new VectorSet([2, 2], 1, 2);

        NeighborTable table = GroundTruth.Compute(baseVectors, queries, DistanceMetric.L2Squared, 4, threads: 1);

        Assert.Equal([1, 0, -1, -1], table.Row(0).ToArray());
    }

    [Fact]
    public void Compute_RejectsDimensionMismatch()
    {
        Assert.Throws<ArgumentException>(() =>
            GroundTruth.Compute(new VectorSet([1, 2], 1, 2), new VectorSet([1, 2, 3], 1, 3), DistanceMetric.Cosine, 1, 1));
    }

    [Fact]
    public void Cache_ComputesOnceThenReadsTheFile()
    {
        using var temp = new TempDirectory();
        var (baseVectors, queries) = ClusteredGaussianGenerator.Generate(new GenerateSpec(300, 20, 8, 3, 5));
        var log = new StringWriter();

        var (first, path) = GroundTruthCache.LoadOrCompute(temp.Path, baseVectors, queries, DistanceMetric.Cosine, 2, log);
        string afterFirst = log.ToString();
        var (second, samePath) = GroundTruthCache.LoadOrCompute(temp.Path, baseVectors, queries, DistanceMetric.Cosine, 2, log);

        Assert.Equal(path, samePath);
        Assert.True(File.Exists(path));
        Assert.Equal(first.Ids, second.Ids);
        Assert.Contains("ground truth", afterFirst);
        Assert.Equal(afterFirst, log.ToString());
        Assert.Equal(100, first.Width);
    }

    [Fact]
    public void Cache_FileNameChangesWithTheData()
    {
        var (baseVectors, queries) = ClusteredGaussianGenerator.Generate(new GenerateSpec(50, 5, 4, 2, 1));
        string before = GroundTruthCache.Fingerprint(baseVectors, queries);
        baseVectors.Data[17] += 1f;

        Assert.NotEqual(before, GroundTruthCache.Fingerprint(baseVectors, queries));
    }

    [Fact]
    public void Generator_IsDeterministicForASeed()
    {
        var spec = new GenerateSpec(100, 10, 7, 3, 99);

        var (baseA, queryA) = ClusteredGaussianGenerator.Generate(spec);
        var (baseB, queryB) = ClusteredGaussianGenerator.Generate(spec);
        var (baseC, _) = ClusteredGaussianGenerator.Generate(spec with { Seed = 100 });

        Assert.Equal(baseA.Data, baseB.Data);
        Assert.Equal(queryA.Data, queryB.Data);
        Assert.NotEqual(baseA.Data, baseC.Data);
        Assert.All(baseA.Data, v => Assert.True(float.IsFinite(v)));
    }

    private static double NaiveDistance(DistanceMetric metric, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, normA = 0, normB = 0, l2 = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            normA += (double)a[i] * a[i];
            normB += (double)b[i] * b[i];
            double d = (double)a[i] - b[i];
            l2 += d * d;
        }

        return metric switch
        {
            DistanceMetric.Cosine => 1 - (dot / Math.Sqrt(normA * normB)),
            DistanceMetric.L2Squared => l2,
            DistanceMetric.Dot => -dot,
            _ => throw new ArgumentOutOfRangeException(nameof(metric)),
        };
    }
}
