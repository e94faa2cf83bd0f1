using System.Runtime.CompilerServices;
using AgentDb.Index.Hnsw;
using AgentDb.Index.Segments;
using AgentDb.Kernels;

namespace AgentDb.Engine.Tests.Index.Segments;

public sealed class SegmentRoundTripTests : IDisposable
{
    private const int Dimension = 24;
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(DistanceMetric.Cosine)]
    [InlineData(DistanceMetric.L2Squared)]
    [InlineData(DistanceMetric.Dot)]
    public void Search_OnSegment_ReturnsTheSameHitsAsTheIndex(DistanceMetric metric)
    {
        const int count = 2_000;
        float[] data = VectorData.Clustered(count, Dimension, clusters: 20, seed: 41);
        float[] queries = VectorData.Clustered(40, Dimension, clusters: 20, seed: 42);
        long[] ids = VectorData.Ids(count, first: -1_000); // negative ids too
        using var index = new HnswIndex(new HnswOptions { Dimension = Dimension, Metric = metric, EfConstruction = 64, EfSearch = 48 });
        index.AddBatch(ids, data);
        for (int i = 0; i < count; i += 7)
        {
            index.Delete(ids[i]);
        }

        string path = _directory.File("segment.hnsw");
        SegmentWriter.Write(index, path);
        using ImmutableSegment segment = ImmutableSegment.Open(path);

        Assert.Equal(index.Count, segment.Count);
        Assert.Equal(count, segment.NodeCount);
        Assert.Equal(metric, segment.Metric);
        Assert.Equal(Dimension, segment.Dimension);
        IIdFilter?[] filters = [null, new IdSetFilter(ids.AsSpan(0, 40)), new IdSetFilter(ids.AsSpan(0, count / 2))];
        var expected = new SearchHit[10];
        var actual = new SearchHit[10];
        foreach (IIdFilter? filter in filters)
        {
            for (int q = 0; q < 40; q++)
            {
                ReadOnlySpan<float> query = VectorData.Row(queries, Dimension, q);
                int expectedCount = index.Search(query, 10, expected, filter: filter);
                int actualCount = segment.Search(query, 10, actual, filter: filter);
                Assert.Equal(expected.AsSpan(0, expectedCount), actual.AsSpan(0, actualCount));
            }
        }
    }

    [Fact]
    public async Task Write_DuringAParallelAddBatch_WritesOnlyFullyLinkedNodes()
    {
        const int count = 3_000;
        float[] data = VectorData.Clustered(count, Dimension, clusters: 20, seed: 43);
        using var index = new HnswIndex(new HnswOptions { Dimension = Dimension, Metric = DistanceMetric.L2Squared, EfConstruction = 64 });
        index.AddBatch(VectorData.Ids(100), data.AsSpan(0, 100 * Dimension));
        Task adding = Task.Run(() => index.AddBatch(VectorData.Ids(count - 100, first: 100), data.AsSpan(100 * Dimension), 2));
        string path = _directory.File("during.hnsw");
        while (index.Count < 1_000)
        {
            await Task.Yield();
        }

        SegmentWriter.Write(index, path);
        await adding;

        using ImmutableSegment segment = ImmutableSegment.Open(path);
        Assert.InRange(segment.Count, 1_000, count);
        var hits = new SearchHit[10];
        int findable = 0;
        for (int i = 0; i < segment.Count; i++)
        {
            segment.Search(VectorData.Row(data, Dimension, i), 10, hits, ef: 64);
            findable += hits.Any(hit => hit.Id == i) ? 1 : 0;
        }

        // Every node written has its links: an unlinked one would be unreachable, and would be missed.
        Assert.True(findable >= segment.Count * 0.995, $"{segment.Count - findable} of {segment.Count} not findable");
    }

    [Fact]
    public void Write_OfTwoSequentialBuildsWithTheSameSeed_GivesIdenticalFiles()
    {
        float[] data = VectorData.Clustered(600, Dimension, clusters: 6, seed: 44);
        string first = _directory.File("first.hnsw");
        string second = _directory.File("second.hnsw");
        foreach (string path in new[] { first, second })
        {
            using var index = new HnswIndex(new HnswOptions { Dimension = Dimension, Metric = DistanceMetric.Cosine, EfConstruction = 32, Seed = 7 });
            index.AddBatch(VectorData.Ids(600), data, maxDegreeOfParallelism: 1);
            index.Delete(42);
            SegmentWriter.Write(index, path);
        }

        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
    }

    [Fact]
    public void Contains_OfSegment_ReportsLiveIdsOnly()
    {
        using var index = new HnswIndex(new HnswOptions { Dimension = 2, Metric = DistanceMetric.L2Squared });
        index.AddBatch([5L, 3L, 9L, -4L], [0f, 0f, 1f, 1f, 2f, 2f, 3f, 3f]);
        index.Delete(9);
        string path = _directory.File("small.hnsw");
        SegmentWriter.Write(index, path);

        using ImmutableSegment segment = ImmutableSegment.Open(path);

        Assert.True(segment.Contains(5));
        Assert.True(segment.Contains(3));
        Assert.True(segment.Contains(-4));
        Assert.False(segment.Contains(9));
        Assert.False(segment.Contains(4));
        Assert.Equal(3, segment.Count);
    }

    [Fact]
    public void Write_OfReaddedId_KeepsOnlyTheLiveVersion()
    {
        using var index = new HnswIndex(new HnswOptions { Dimension = 2, Metric = DistanceMetric.L2Squared });
        index.Add(1, [0f, 0f]);
        index.Add(2, [5f, 5f]);
        index.Delete(1);
        index.Add(1, [9f, 9f]);
        string path = _directory.File("readded.hnsw");
        SegmentWriter.Write(index, path);
        using ImmutableSegment segment = ImmutableSegment.Open(path);
        var hits = new SearchHit[3];

        Assert.Equal(2, segment.Search([0f, 0f], 3, hits));

        Assert.Equal(new SearchHit(2, 50f), hits[0]);
        Assert.Equal(new SearchHit(1, 162f), hits[1]);
        Assert.Equal(1, segment.Search([0f, 0f], 1, hits, filter: new IdSetFilter([1L])));
        Assert.Equal(new SearchHit(1, 162f), hits[0]);
    }

    [Fact]
    public void Open_OfEmptyIndex_SearchesNothing()
    {
        using var index = new HnswIndex(new HnswOptions { Dimension = 3, Metric = DistanceMetric.Cosine });
        string path = _directory.File("empty.hnsw");
        SegmentWriter.Write(index, path);

        using ImmutableSegment segment = ImmutableSegment.Open(path);

        Assert.Equal(0, segment.Count);
        Assert.Equal(0, segment.Search([1f, 0f, 0f], 5, new SearchHit[5]));
        Assert.False(segment.Contains(0));
    }

    [Fact]
    public void Write_OverAnExistingSegment_ReplacesIt()
    {
        string path = _directory.File("replaced.hnsw");
        using (var first = new HnswIndex(new HnswOptions { Dimension = 2, Metric = DistanceMetric.L2Squared }))
        {
            first.Add(1, [1f, 1f]);
            SegmentWriter.Write(first, path);
        }

        using var second = new HnswIndex(new HnswOptions { Dimension = 2, Metric = DistanceMetric.L2Squared });
        second.Add(2, [2f, 2f]);
        SegmentWriter.Write(second, path);

        using ImmutableSegment segment = ImmutableSegment.Open(path);
        Assert.True(segment.Contains(2));
        Assert.False(segment.Contains(1));
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void Search_AfterDispose_Throws()
    {
        using var index = new HnswIndex(new HnswOptions { Dimension = 2, Metric = DistanceMetric.L2Squared });
        index.Add(1, [1f, 1f]);
        string path = _directory.File("disposed.hnsw");
        SegmentWriter.Write(index, path);
        ImmutableSegment segment = ImmutableSegment.Open(path);
        Assert.Equal(1, segment.Search([1f, 1f], 1, new SearchHit[1]));

        segment.Dispose();

        Assert.Throws<ObjectDisposedException>(() => segment.Search([1f, 1f], 1, new SearchHit[1]));
        segment.Dispose();
    }

    [Fact]
    public void Search_OnSegment_ChecksArguments()
    {
        using var index = new HnswIndex(new HnswOptions { Dimension = 2, Metric = DistanceMetric.L2Squared });
        index.Add(1, [1f, 1f]);
        string path = _directory.File("arguments.hnsw");
        SegmentWriter.Write(index, path);
        using ImmutableSegment segment = ImmutableSegment.Open(path);

        Assert.Throws<ArgumentException>(() => segment.Search([1f, 1f, 1f], 1, new SearchHit[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => segment.Search([1f, 1f], 0, new SearchHit[1]));
        Assert.Throws<ArgumentException>(() => segment.Search([1f, 1f], 2, new SearchHit[1]));
    }

    [Fact]
    public void Format_PersistedValues_NeverChange()
    {
        Assert.Equal(256, SegmentHeader.Size);
        Assert.Equal(SegmentHeader.Size, Unsafe.SizeOf<SegmentHeader>());
        Assert.Equal(24, Unsafe.SizeOf<SegmentBlockEntry>());
        Assert.Equal("AGDBHNSW"u8.ToArray(), BitConverter.GetBytes(SegmentHeader.ExpectedMagic));
        Assert.Equal(1u, SegmentHeader.CurrentVersion);
        Assert.Equal(
            [0, 1, 2, 3, 4, 5, 6],
            new[] { SegmentBlock.Vectors, SegmentBlock.Level0Links, SegmentBlock.UpperOffsets, SegmentBlock.UpperLinks, SegmentBlock.Ids, SegmentBlock.IdIndex, SegmentBlock.Deleted }
                .Select(block => (int)block));
    }
}
