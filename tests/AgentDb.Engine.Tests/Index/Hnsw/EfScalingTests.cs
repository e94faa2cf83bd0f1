using AgentDb.Index;
using AgentDb.Index.Hnsw;
using AgentDb.Index.Segments;
using AgentDb.Kernels;
using Xunit.Abstractions;

namespace AgentDb.Engine.Tests.Index.Hnsw;

/// <summary>
/// The search breadth a collection's graph uses grows with the graph (<see cref="EfScaling"/>), because at a fixed ef
/// HNSW recall falls as the graph grows (0.98 at 100,000 nodes, 0.72 at 1,000,000 on clustered 384-dimension data).
/// </summary>
public sealed class EfScalingTests(ITestOutputHelper output) : IDisposable
{
    private const int Dimension = 64;
    private const int K = 10;
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(96, 1)]
    [InlineData(96, 20_000)]
    [InlineData(96, EfScaling.ReferenceNodes)]
    [InlineData(10, EfScaling.ReferenceNodes)]
    public void For_UpToTheReferenceSize_KeepsTheEf(int ef, int nodes) => Assert.Equal(ef, EfScaling.For(ef, nodes));

    [Fact]
    public void For_TenTimesTheReferenceSize_WidensByTenToTheExponent()
    {
        int expected = (int)Math.Ceiling(96 * Math.Pow(10, EfScaling.Exponent));

        Assert.Equal(expected, EfScaling.For(96, 10 * EfScaling.ReferenceNodes));
        Assert.True(expected > 96, $"ef at ten times the reference size: {expected}");
    }

    [Fact]
    public void For_NeverShrinksAsTheGraphGrows()
    {
        int previous = 0;
        for (int nodes = 50_000; nodes <= 20_000_000; nodes += 50_000)
        {
            int ef = EfScaling.For(64, nodes);
            Assert.True(ef >= previous, $"ef {ef} at {nodes} nodes, {previous} before");
            previous = ef;
        }
    }

    [Fact]
    public void For_CapsTheWideningButNeverNarrowsANamedEf()
    {
        Assert.Equal(EfScaling.MaxEf, EfScaling.For(96, int.MaxValue));
        Assert.Equal(EfScaling.MaxEf + 100, EfScaling.For(EfScaling.MaxEf + 100, int.MaxValue));
    }

    [Fact]
    public void For_TheIndexDefaultOrNoReference_IsLeftAlone()
    {
        Assert.Equal(0, EfScaling.For(0, 10_000_000)); // 0: the index's own EfSearch
        Assert.Equal(96, EfScaling.For(96, 10_000_000, referenceNodes: 0));
    }

    /// <summary>A collection's index widens ef however its graph tier came to be: the switch, a rebuild, segments reopened.</summary>
    [Fact]
    public void ACollectionIndex_ScalesEfInEveryGraphItCreates()
    {
        const int count = 300;
        float[] data = VectorData.Clustered(count, Dimension, clusters: 5, seed: 5);
        long[] ids = VectorData.Ids(count, first: 1);
        string directory = Path.Combine(_directory.Path, "collection");
        using (var switched = new TieredVectorIndex(Dimension, DistanceMetric.Cosine, hnswThreshold: 100, directory))
        {
            Assert.Equal(0, switched.EfReferenceNodes); // the exact tier has no graph
            for (int i = 0; i < count; i++)
            {
                switched.Upsert(ids[i], VectorData.Row(data, Dimension, i));
            }

            Assert.True(switched.UsesHnsw);
            Assert.Equal(EfScaling.ReferenceNodes, switched.EfReferenceNodes);
            Assert.True(switched.SealForCheckpoint());
            switched.PublishCheckpoint(lsn: 1);
        }

        using (var reopened = new TieredVectorIndex(Dimension, DistanceMetric.Cosine, hnswThreshold: 100, directory))
        {
            Assert.True(reopened.TryOpenSegments(maxLsn: 1, out _, out string? refusal), refusal);
            Assert.Equal(EfScaling.ReferenceNodes, reopened.EfReferenceNodes);
        }

        using var rebuilt = new TieredVectorIndex(Dimension, DistanceMetric.Cosine, hnswThreshold: 100, Path.Combine(_directory.Path, "rebuilt"));
        rebuilt.Rebuild(ids, data);
        Assert.Equal(EfScaling.ReferenceNodes, rebuilt.EfReferenceNodes);
    }

    /// <summary>
    /// A collection with a reference size searches each part with the widened ef: the same hits as the part searched
    /// with that ef named, and a higher recall than the ef as named, on hard data (noise in all 64 dimensions).
    /// Before the scaling, a collection searched every part with the ef as named whatever its size.
    /// </summary>
    [Fact]
    public void Search_WithAReferenceSize_SearchesEachPartWithTheWidenedEf()
    {
        const int count = 5_000;
        const int reference = 500;
        const int ef = 10;
        float[] data = VectorData.Clustered(count, Dimension, clusters: 50, seed: 1);
        float[] queries = VectorData.Clustered(100, Dimension, clusters: 50, seed: 2);
        long[] ids = VectorData.Ids(count);
        (SegmentedVectorIndex plainIndex, SegmentedVectorIndex scaledIndex) = PlainAndScaled(reference);
        using SegmentedVectorIndex plain = plainIndex;
        using SegmentedVectorIndex scaled = scaledIndex;
        plain.AddBatch(ids, data, maxDegreeOfParallelism: 1); // sequential: the same graph in both, on every run
        scaled.AddBatch(ids, data, maxDegreeOfParallelism: 1);
        int widened = EfScaling.For(ef, count, reference);
        Assert.True(widened > 2 * ef, $"widened ef {widened}");

        int foundPlain = 0;
        int foundScaled = 0;
        var plainHits = new SearchHit[K];
        var scaledHits = new SearchHit[K];
        var widenedHits = new SearchHit[K];
        for (int q = 0; q < 100; q++)
        {
            ReadOnlySpan<float> query = VectorData.Row(queries, Dimension, q);
            long[] exact = VectorData.ExactNearest(DistanceMetric.Cosine, data, ids, Dimension, query, K);
            Assert.Equal(K, plain.Search(query, K, plainHits, ef));
            Assert.Equal(K, scaled.Search(query, K, scaledHits, ef));
            Assert.Equal(K, plain.Search(query, K, widenedHits, widened));
            Assert.Equal(widenedHits, scaledHits);
            foundPlain += VectorData.Overlap(exact, plainHits);
            foundScaled += VectorData.Overlap(exact, scaledHits);
        }

        double recallPlain = foundPlain / 1_000.0;
        double recallScaled = foundScaled / 1_000.0;
        output.WriteLine($"ef {ef}: recall@10 {recallPlain:F3} as named, {recallScaled:F3} widened to {widened}");
        Assert.True(recallScaled >= recallPlain + 0.05, $"recall@10 {recallPlain:F3} as named, {recallScaled:F3} widened to {widened}");
    }

    /// <summary>
    /// Each part is scaled by its own size, not the collection's: three segments each at most the reference size keep
    /// the named ef although together they are over it.
    /// </summary>
    [Fact]
    public void Search_PartsUnderTheReferenceSize_KeepTheNamedEf()
    {
        const int count = 2_000;
        const int reference = 800;
        const int ef = 12;
        float[] data = VectorData.Clustered(count, Dimension, clusters: 20, seed: 3);
        float[] queries = VectorData.Clustered(30, Dimension, clusters: 20, seed: 4);
        long[] ids = VectorData.Ids(count);
        (SegmentedVectorIndex plainIndex, SegmentedVectorIndex scaledIndex) = PlainAndScaled(reference);
        using SegmentedVectorIndex plain = plainIndex;
        using SegmentedVectorIndex scaled = scaledIndex;
        foreach (SegmentedVectorIndex collection in new[] { plain, scaled })
        {
            foreach ((int first, int rows) in new[] { (0, 600), (600, 600), (1_200, 800) })
            {
                collection.AddBatch(ids.AsSpan(first, rows), data.AsSpan(first * Dimension, rows * Dimension), maxDegreeOfParallelism: 1);
                collection.Flush();
            }
        }

        Assert.Equal(3, scaled.SegmentCount);
        Assert.True(EfScaling.For(ef, count, reference) > ef); // the collection as a whole would be widened
        var plainHits = new SearchHit[K];
        var scaledHits = new SearchHit[K];
        for (int q = 0; q < 30; q++)
        {
            ReadOnlySpan<float> query = VectorData.Row(queries, Dimension, q);
            Assert.Equal(K, plain.Search(query, K, plainHits, ef));
            Assert.Equal(K, scaled.Search(query, K, scaledHits, ef));
            Assert.Equal(plainHits, scaledHits);
        }
    }

    /// <summary>Two empty collections of the same options: one searching every part with the ef as named, one with <paramref name="reference"/> as its reference size.</summary>
    private (SegmentedVectorIndex Plain, SegmentedVectorIndex Scaled) PlainAndScaled(int reference)
    {
        var options = new HnswOptions { Dimension = Dimension, Metric = DistanceMetric.Cosine };
        var plain = new SegmentedVectorIndex(Path.Combine(_directory.Path, "plain"), options, sealThreshold: int.MaxValue);
        var scaled = new SegmentedVectorIndex(Path.Combine(_directory.Path, "scaled"), options, sealThreshold: int.MaxValue)
        {
            EfReferenceNodes = reference,
        };
        return (plain, scaled);
    }
}
