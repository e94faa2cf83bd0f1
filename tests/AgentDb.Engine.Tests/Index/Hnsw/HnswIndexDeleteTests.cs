using AgentDb.Index.Hnsw;
using AgentDb.Kernels;

namespace AgentDb.Engine.Tests.Index.Hnsw;

public sealed class HnswIndexDeleteTests
{
    private const int Dimension = 16;

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.95)]
    public void Search_NeverReturnsDeletedIds(double deletedFraction)
    {
        const int count = 2_000;
        float[] data = VectorData.Clustered(count, Dimension, clusters: 20, seed: 21);
        long[] ids = VectorData.Ids(count);
        using HnswIndex index = Build(data, ids);
        var random = new Random(22);
        var deleted = new HashSet<long>();
        while (deleted.Count < (int)(count * deletedFraction))
        {
            long id = ids[random.Next(count)];
            Assert.Equal(deleted.Add(id), index.Delete(id));
        }

        Assert.Equal(count - deleted.Count, index.Count);
        var hits = new SearchHit[10];
        int found = 0;
        for (int q = 0; q < 50; q++)
        {
            ReadOnlySpan<float> query = VectorData.Row(data, Dimension, random.Next(count));
            int written = index.Search(query, 10, hits, ef: 64);
            Assert.Equal(10, written);
            foreach (SearchHit hit in hits)
            {
                Assert.DoesNotContain(hit.Id, deleted);
            }

            long[] exact = VectorData.ExactNearest(DistanceMetric.L2Squared, data, ids, Dimension, query, 10, id => !deleted.Contains(id));
            found += VectorData.Overlap(exact, hits);
        }

        Assert.True(found / 500.0 >= 0.9, $"recall@10 over live points = {found / 500.0:F3}");
    }

    [Fact]
    public void Search_AfterDeletingAllButThree_FindsExactlyTheThree()
    {
        float[] data = VectorData.Clustered(500, Dimension, clusters: 5, seed: 23);
        long[] ids = VectorData.Ids(500);
        using HnswIndex index = Build(data, ids);
        for (int i = 3; i < 500; i++)
        {
            Assert.True(index.Delete(ids[i]));
        }

        var hits = new SearchHit[10];
        int written = index.Search(VectorData.Row(data, Dimension, 499), 10, hits);

        Assert.Equal(3, written);
        Assert.Equal([0L, 1L, 2L], hits.Take(3).Select(hit => hit.Id).Order());
    }

    [Fact]
    public void Search_AfterDeletingEverything_ReturnsNothing()
    {
        using var index = new HnswIndex(new HnswOptions { Dimension = 2, Metric = DistanceMetric.L2Squared });
        index.Add(1, [1f, 1f]);
        index.Add(2, [2f, 2f]);
        index.Delete(1);
        index.Delete(2);

        Assert.Equal(0, index.Count);
        Assert.Equal(0, index.Search([1f, 1f], 5, new SearchHit[5]));
    }

    [Fact]
    public void Delete_OfUnknownOrAlreadyDeletedId_ReturnsFalse()
    {
        using var index = new HnswIndex(new HnswOptions { Dimension = 2, Metric = DistanceMetric.L2Squared });
        index.Add(1, [1f, 1f]);

        Assert.False(index.Delete(2));
        Assert.True(index.Delete(1));
        Assert.False(index.Delete(1));
        Assert.False(index.Contains(1));
    }

    [Fact]
    public void Add_OfDeletedId_MakesItSearchableAtItsNewVector()
    {
        using var index = new HnswIndex(new HnswOptions { Dimension = 2, Metric = DistanceMetric.L2Squared });
        index.Add(1, [0f, 0f]);
        index.Add(2, [10f, 10f]);
        index.Delete(1);
        index.Add(1, [20f, 20f]);
        var hits = new SearchHit[3];

        int written = index.Search([0f, 0f], 3, hits);

        Assert.Equal(2, written);
        Assert.Equal(new SearchHit(2, 200f), hits[0]);
        Assert.Equal(new SearchHit(1, 800f), hits[1]);
        Assert.Equal(2, index.Count);
    }

    private static HnswIndex Build(float[] data, long[] ids)
    {
        var index = new HnswIndex(new HnswOptions { Dimension = Dimension, Metric = DistanceMetric.L2Squared, EfConstruction = 100 });
        index.AddBatch(ids, data);
        return index;
    }
}
