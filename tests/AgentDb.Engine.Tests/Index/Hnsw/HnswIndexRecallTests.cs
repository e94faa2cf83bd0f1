using AgentDb.Index.Hnsw;
using AgentDb.Kernels;
using Xunit.Abstractions;

namespace AgentDb.Engine.Tests.Index.Hnsw;

/// <summary>
/// Recall against brute force on 5,000 clustered 64-dimensional points. The data is hard on purpose (the noise inside
/// each cluster spans all 64 dimensions): hnswlib 0.6.2 with the same M, ef_construction and ef scores the same.
/// </summary>
public sealed class HnswIndexRecallTests(ITestOutputHelper output)
{
    private const int Count = 5_000;
    private const int Dimension = 64;
    private const int Queries = 100;
    private const int K = 10;

    [Theory]
    [InlineData(DistanceMetric.Cosine, 128)]
    [InlineData(DistanceMetric.L2Squared, 128)]
    [InlineData(DistanceMetric.Dot, 256)] // inner product is not a metric: the graph needs a wider search for the same recall
    public void Search_RecallAt10_IsAtLeast95Percent(DistanceMetric metric, int ef)
    {
        float[] data = VectorData.Clustered(Count, Dimension, clusters: 50, seed: 1);
        float[] queries = VectorData.Clustered(Queries, Dimension, clusters: 50, seed: 2);
        long[] ids = VectorData.Ids(Count, first: 1_000);
        using var index = new HnswIndex(new HnswOptions { Dimension = Dimension, Metric = metric });
        index.AddBatch(ids, data, maxDegreeOfParallelism: 1); // sequential: the same graph on every run

        var hits = new SearchHit[K];
        int found = 0;
        for (int q = 0; q < Queries; q++)
        {
            ReadOnlySpan<float> query = VectorData.Row(queries, Dimension, q);
            Assert.Equal(K, index.Search(query, K, hits, ef));
            AssertSortedAscending(hits);
            found += VectorData.Overlap(VectorData.ExactNearest(metric, data, ids, Dimension, query, K), hits);
        }

        double recall = found / (double)(Queries * K);
        output.WriteLine($"{metric} ef={ef}: recall@10 = {recall:F3}");
        Assert.True(recall >= 0.95, $"{metric}: recall@10 = {recall:F3}");
    }

    [Fact]
    public void Search_ReturnsTheExactDistanceOfEachHit()
    {
        float[] data = VectorData.Clustered(500, 16, clusters: 5, seed: 3);
        using var index = new HnswIndex(new HnswOptions { Dimension = 16, Metric = DistanceMetric.L2Squared });
        index.AddBatch(VectorData.Ids(500), data);
        float[] query = VectorData.Row(data, 16, 7).ToArray();
        var hits = new SearchHit[5];

        Assert.Equal(5, index.Search(query, 5, hits));

        Assert.Equal(new SearchHit(7, 0f), hits[0]);
        foreach (SearchHit hit in hits)
        {
            Assert.Equal(Distance.L2Squared(query, VectorData.Row(data, 16, (int)hit.Id)), hit.Distance, 4);
        }
    }

    [Fact]
    public void Search_OnCosine_IgnoresVectorLength()
    {
        using var index = new HnswIndex(new HnswOptions { Dimension = 3, Metric = DistanceMetric.Cosine });
        index.Add(1, [10f, 0f, 0f]);
        index.Add(2, [0f, 0.1f, 0f]);
        var hits = new SearchHit[2];

        Assert.Equal(2, index.Search([0f, 5f, 0f], 2, hits));

        Assert.Equal(2, hits[0].Id);
        Assert.Equal(0f, hits[0].Distance, 5);
        Assert.Equal(1f, hits[1].Distance, 5);
    }

    [Fact]
    public void Search_WithFewerPointsThanK_ReturnsThemAll()
    {
        using var index = new HnswIndex(new HnswOptions { Dimension = 2, Metric = DistanceMetric.L2Squared });
        index.Add(1, [0f, 0f]);
        index.Add(2, [1f, 0f]);
        index.Add(3, [5f, 0f]);
        var hits = new SearchHit[10];

        Assert.Equal(3, index.Search([0.9f, 0f], 10, hits));

        Assert.Equal([2L, 1L, 3L], [hits[0].Id, hits[1].Id, hits[2].Id]);
    }

    internal static void AssertSortedAscending(ReadOnlySpan<SearchHit> hits)
    {
        for (int i = 1; i < hits.Length; i++)
        {
            Assert.True(hits[i - 1].Distance <= hits[i].Distance, "Hits are not sorted by ascending distance.");
        }
    }
}
