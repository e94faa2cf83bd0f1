using AgentDb.Index;
using AgentDb.Kernels;

namespace AgentDb.Engine.Tests.Index;

public sealed class TieredVectorIndexTests
{
    private const int Dim = 32;

    [Fact]
    public void BelowTheThreshold_IsExact_AndFindsEveryVectorItself()
    {
        float[] data = VectorData.Clustered(900, Dim, 10, seed: 1);
        using var directory = new TemporaryDirectory();
        using var index = new TieredVectorIndex(Dim, DistanceMetric.Cosine, hnswThreshold: 1_000, directory.File("graph"));
        for (int i = 0; i < 900; i++)
        {
            index.Upsert(i + 1, VectorData.Row(data, Dim, i));
        }

        Assert.False(index.UsesHnsw);
        var hits = new VectorSearchHit[1];
        for (int i = 0; i < 900; i++)
        {
            Assert.Equal(1, index.Search(VectorData.Row(data, Dim, i), 1, hits));
            Assert.Equal(0f, hits[0].Distance, 5);
        }
    }

    [Fact]
    public void UpsertMany_CrossingTheThreshold_SwitchesAtTheSameRow_AndFindsEveryVector()
    {
        const int count = 1_600;
        float[] data = VectorData.Clustered(count, Dim, 10, seed: 4);
        long[] ids = VectorData.Ids(count, first: 1);
        using var directory = new TemporaryDirectory();
        using var index = new TieredVectorIndex(Dim, DistanceMetric.L2Squared, hnswThreshold: 1_000, directory.File("graph"));
        for (int start = 0; start < count; start += 300)
        {
            int length = Math.Min(300, count - start);
            var vectors = new ReadOnlyMemory<byte>[length];
            for (int i = 0; i < length; i++)
            {
                vectors[i] = System.Runtime.InteropServices.MemoryMarshal.AsBytes(VectorData.Row(data, Dim, start + i)).ToArray();
            }

            index.UpsertMany(ids.AsSpan(start, length), vectors);
            Assert.Equal(start + length >= 1_000, index.UsesHnsw);
            Assert.Equal(start + length, index.Count);
        }

        Assert.True(index.WaitForIndexing(TimeSpan.FromMinutes(2)));
        var hits = new VectorSearchHit[1];
        for (int i = 0; i < count; i += 7)
        {
            Assert.Equal(1, index.Search(VectorData.Row(data, Dim, i), 1, hits));
            Assert.Equal(0f, hits[0].Distance, 4);
        }
    }

    [Theory]
    [InlineData(DistanceMetric.Cosine)]
    [InlineData(DistanceMetric.L2Squared)]
    public void CrossingTheThreshold_SwitchesToHnsw_WithRecallAtLeast90Percent(DistanceMetric metric)
    {
        const int count = 3_000;
        float[] data = VectorData.Clustered(count, Dim, 20, seed: 2);
        long[] ids = VectorData.Ids(count, first: 1);
        using var directory = new TemporaryDirectory();
        using var index = new TieredVectorIndex(Dim, metric, hnswThreshold: 1_000, directory.File("graph"));
        for (int i = 0; i < count; i++)
        {
            index.Upsert(ids[i], VectorData.Row(data, Dim, i));
            Assert.Equal(i + 1 >= 1_000, index.UsesHnsw);
        }

        Assert.Equal(count, index.Count);
        double recall = MeanRecall(index, metric, data, ids, queries: 100, include: null);
        Assert.True(recall >= 0.90, $"recall@10 {recall:F3}");
    }

    [Fact]
    public void InTheHnswTier_DeletesAreNeverReturned_UpdatesMoveTheVector_AndFiltersApply()
    {
        const int count = 2_000;
        float[] data = VectorData.Clustered(count, Dim, 20, seed: 3);
        long[] ids = VectorData.Ids(count, first: 1);
        using var directory = new TemporaryDirectory();
        using var index = new TieredVectorIndex(Dim, DistanceMetric.L2Squared, hnswThreshold: 500, directory.File("graph"));
        index.Rebuild(ids, data);
        Assert.True(index.UsesHnsw);

        for (int i = 0; i < count; i += 2)
        {
            Assert.True(index.Delete(ids[i]));
        }

        // Move id 2's vector onto row 101's: searching row 101 now finds both at distance 0.
        index.Upsert(ids[1], VectorData.Row(data, Dim, 101));
        var hits = new VectorSearchHit[10];
        for (int q = 0; q < 200; q++)
        {
            int found = index.Search(VectorData.Row(data, Dim, q), 10, hits);
            for (int h = 0; h < found; h++)
            {
                Assert.True(hits[h].InternalId % 2 == 0, $"deleted id {hits[h].InternalId} returned");
            }
        }

        int n = index.Search(VectorData.Row(data, Dim, 101), 2, hits);
        Assert.Equal(2, n);
        Assert.Contains(hits[..2], h => h.InternalId == ids[1]);
        Assert.Contains(hits[..2], h => h.InternalId == ids[101]);

        var onlyMultiplesOfFour = new PredicateFilter(id => id % 4 == 0);
        int filtered = index.Search(VectorData.Row(data, Dim, 7), 10, hits, onlyMultiplesOfFour);
        Assert.Equal(10, filtered);
        Assert.All(hits[..filtered], h => Assert.Equal(0, h.InternalId % 4));
    }

    [Theory]
    [InlineData(2)]    // half the points pass: answered as a post-filter
    [InlineData(10)]   // a tenth: the candidate list widens
    [InlineData(200)]  // 0.5%: the graph is walked with the filter
    public void FilteredSearch_InTheHnswTier_FindsTheNearestMatches_AskingTheFilterOncePerIdAtMost(int oneIn)
    {
        const int count = 4_000;
        float[] data = VectorData.Clustered(count, Dim, 20, seed: 5);
        long[] ids = VectorData.Ids(count, first: 1);
        using var directory = new TemporaryDirectory();
        using var index = new TieredVectorIndex(Dim, DistanceMetric.L2Squared, hnswThreshold: 500, directory.File("graph"));
        index.Rebuild(ids, data);
        var hits = new VectorSearchHit[10];
        double recall = 0;
        const int queries = 50;
        long totalAsked = 0;
        for (int q = 0; q < queries; q++)
        {
            ReadOnlySpan<float> query = VectorData.Row(data, Dim, (q * 37) % count);
            var filter = new CountingFilter(id => id % oneIn == 0);
            int found = index.Search(query, 10, hits, filter);
            long[] expected = VectorData.ExactNearest(DistanceMetric.L2Squared, data, ids, Dim, query, 10, id => id % oneIn == 0);
            Assert.Equal(expected.Length, found);
            Assert.All(hits[..found], h => Assert.Equal(0, h.InternalId % oneIn));
            for (int i = 1; i < found; i++)
            {
                Assert.True(hits[i - 1].Distance <= hits[i].Distance, "hits are not nearest first");
            }

            Assert.Equal(filter.Distinct, filter.Calls); // never the same id twice in one query
            totalAsked += filter.Calls;
            recall += hits[..found].ToArray().Count(h => expected.Contains(h.InternalId)) / (double)expected.Length;
        }

        recall /= queries;
        Assert.True(recall >= 0.9, $"filtered recall@10 {recall:F3}");
        if (oneIn == 2)
        {
            // A permissive filter is asked about the nearest candidates only, not about every node the walk passes.
            Assert.True(totalAsked <= queries * TieredVectorIndex.SearchEf, $"{totalAsked} filter calls for {queries} queries");
        }
    }

    [Fact]
    public void Rebuild_BelowTheThreshold_ReturnsToTheExactTier()
    {
        float[] data = VectorData.Clustered(600, Dim, 5, seed: 4);
        long[] ids = VectorData.Ids(600, first: 1);
        using var directory = new TemporaryDirectory();
        using var index = new TieredVectorIndex(Dim, DistanceMetric.Dot, hnswThreshold: 500, directory.File("graph"));
        index.Rebuild(ids, data);
        Assert.True(index.UsesHnsw);
        index.Rebuild(ids.AsSpan(0, 100), data.AsSpan(0, 100 * Dim));
        Assert.False(index.UsesHnsw);
        Assert.Equal(100, index.Count);
    }

    private static double MeanRecall(TieredVectorIndex index, DistanceMetric metric, float[] data, long[] ids, int queries, Func<long, bool>? include)
    {
        var hits = new VectorSearchHit[10];
        double total = 0;
        for (int q = 0; q < queries; q++)
        {
            ReadOnlySpan<float> query = VectorData.Row(data, Dim, (q * 29) % ids.Length);
            long[] expected = VectorData.ExactNearest(metric, data, ids, Dim, query, 10, include);
            int found = index.Search(query, 10, hits);
            int overlap = 0;
            foreach (long id in expected)
            {
                for (int h = 0; h < found; h++)
                {
                    if (hits[h].InternalId == id)
                    {
                        overlap++;
                        break;
                    }
                }
            }

            total += overlap / (double)expected.Length;
        }

        return total / queries;
    }

    private sealed class PredicateFilter(Func<long, bool> predicate) : IVectorIdFilter
    {
        public bool Matches(long internalId) => predicate(internalId);
    }

    private sealed class CountingFilter(Func<long, bool> predicate) : IVectorIdFilter
    {
        private readonly HashSet<long> _seen = new();

        public int Calls { get; private set; }

        public int Distinct => _seen.Count;

        public bool Matches(long internalId)
        {
            Calls++;
            _seen.Add(internalId);
            return predicate(internalId);
        }
    }
}
