using AgentDb.Index.Hnsw;
using AgentDb.Kernels;
using Xunit.Abstractions;

namespace AgentDb.Engine.Tests.Index.Hnsw;

/// <summary>Filtered search: the exact path for selective id sets, the graph path for the rest.</summary>
public sealed class HnswIndexFilterTests : IClassFixture<HnswIndexFilterTests.SharedIndex>
{
    private const int Dimension = 32;
    private const int Queries = 50;
    private const int K = 10;
    private readonly SharedIndex _shared;
    private readonly ITestOutputHelper _output;

    public HnswIndexFilterTests(SharedIndex shared, ITestOutputHelper output)
    {
        _shared = shared;
        _output = output;
    }

    [Theory]
    [InlineData(1)] // below the exact-scan threshold
    [InlineData(50)] // graph search, half the points are waypoints only
    public void Search_WithIdSetFilter_ReturnsOnlyMatchesWithRecallAtLeast90Percent(int percent)
    {
        long[] allowed = EveryNth(100 / percent, percent == 1 ? 0 : 1);
        double recall = MeasureRecall(new IdSetFilter(allowed), new HashSet<long>(allowed));
        _output.WriteLine($"IdSetFilter {percent}%: recall@10 = {recall:F3}");
        Assert.True(recall >= 0.90, $"recall@10 = {recall:F3} at {percent}%");
    }

    [Theory]
    [InlineData(1)] // the walk must go on past 99% of the graph to fill its results
    [InlineData(10)]
    [InlineData(50)]
    public void Search_WithOpaqueFilter_WalksPastNonMatchesWithRecallAtLeast90Percent(int percent)
    {
        var allowed = new HashSet<long>(EveryNth(100 / percent, 0));
        double recall = MeasureRecall(new PredicateFilter(allowed), allowed);
        _output.WriteLine($"opaque filter {percent}%: recall@10 = {recall:F3}");
        Assert.True(recall >= 0.90, $"recall@10 = {recall:F3} at {percent}%");
    }

    [Fact]
    public void Search_WithFilterMatchingNothing_ReturnsNothing()
    {
        var hits = new SearchHit[K];
        ReadOnlySpan<float> query = VectorData.Row(_shared.Queries, Dimension, 0);

        Assert.Equal(0, _shared.Index.Search(query, K, hits, filter: new IdSetFilter([-1L, -2L])));
        Assert.Equal(0, _shared.Index.Search(query, K, hits, filter: new PredicateFilter([])));
    }

    [Fact]
    public void Search_WithExactScan_SkipsIdsNotInTheIndex()
    {
        var hits = new SearchHit[K];
        int written = _shared.Index.Search(VectorData.Row(_shared.Queries, Dimension, 1), K, hits, filter: new IdSetFilter([3L, 99_999L, 4L]));

        Assert.Equal(2, written);
        Assert.Equal([3L, 4L], new[] { hits[0].Id, hits[1].Id }.OrderBy(id => id));
    }

    private double MeasureRecall(IIdFilter filter, HashSet<long> allowed)
    {
        var hits = new SearchHit[K];
        int found = 0;
        for (int q = 0; q < Queries; q++)
        {
            ReadOnlySpan<float> query = VectorData.Row(_shared.Queries, Dimension, q);
            int written = _shared.Index.Search(query, K, hits, ef: 64, filter: filter);
            Assert.Equal(K, written);
            foreach (SearchHit hit in hits)
            {
                Assert.Contains(hit.Id, allowed);
            }

            HnswIndexRecallTests.AssertSortedAscending(hits);
            long[] exact = VectorData.ExactNearest(
                DistanceMetric.L2Squared, _shared.Data, _shared.Ids, Dimension, query, K, allowed.Contains);
            found += VectorData.Overlap(exact, hits);
        }

        return found / (double)(Queries * K);
    }

    private long[] EveryNth(int step, int offset)
    {
        var ids = new List<long>();
        for (int i = offset; i < _shared.Ids.Length; i += step)
        {
            ids.Add(_shared.Ids[i]);
        }

        return [.. ids];
    }

    /// <summary>A filter that cannot say how selective it is, so the index must walk the graph.</summary>
    private sealed class PredicateFilter(HashSet<long> allowed) : IIdFilter
    {
        public bool Matches(long id) => allowed.Contains(id);
    }

    /// <summary>One L2 index of 5,000 clustered points shared by the tests of the class.</summary>
    public sealed class SharedIndex : IDisposable
    {
        public SharedIndex()
        {
            Data = VectorData.Clustered(5_000, Dimension, clusters: 40, seed: 11);
            Queries = VectorData.Clustered(HnswIndexFilterTests.Queries, Dimension, clusters: 40, seed: 12);
            Ids = VectorData.Ids(5_000);
            Index = new HnswIndex(new HnswOptions { Dimension = Dimension, Metric = DistanceMetric.L2Squared, EfConstruction = 100 });
            Index.AddBatch(Ids, Data);
        }

        public float[] Data { get; }

        public float[] Queries { get; }

        public long[] Ids { get; }

        public HnswIndex Index { get; }

        public void Dispose() => Index.Dispose();
    }
}
