using AgentDb.Index;
using AgentDb.Kernels;

namespace AgentDb.Engine.Tests.Index;

/// <summary>
/// The HNSW tier's backlog: upserts go to an exactly searched buffer and a background indexer links them into the
/// graph. The indexer is paused where a test needs it to lag.
/// </summary>
public sealed class BackgroundIndexingTests
{
    private const int Dim = 32;
    private static readonly TimeSpan s_indexingTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public void Search_RightAfterUpsert_FindsTheVector_WhileTheIndexerLags()
    {
        const int count = 1_500;
        float[] data = VectorData.Clustered(count, Dim, 10, seed: 11);
        using var directory = new TemporaryDirectory();
        using var index = new TieredVectorIndex(Dim, DistanceMetric.L2Squared, hnswThreshold: 200, directory.File("graph"));
        index.PauseIndexing();
        var hits = new VectorSearchHit[1];
        for (int i = 0; i < count; i++)
        {
            index.Upsert(i + 1, VectorData.Row(data, Dim, i));
            Assert.Equal(1, index.Search(VectorData.Row(data, Dim, i), 1, hits));
            Assert.Equal(0f, hits[0].Distance, 4);
        }

        Assert.True(index.UsesHnsw);
        Assert.Equal(count, index.PendingVectors); // nothing was linked: every hit above came from the backlog
        Assert.Equal(count, index.Count);

        index.ResumeIndexing();
        Assert.True(index.WaitForIndexing(s_indexingTimeout), "the indexer did not empty the backlog");
        Assert.Equal(0, index.PendingVectors);
        Assert.Equal(count, index.Count);
        int selfFound = 0;
        for (int i = 0; i < count; i++)
        {
            if (index.Search(VectorData.Row(data, Dim, i), 1, hits) == 1 && hits[0].InternalId == i + 1)
            {
                selfFound++;
            }
        }

        Assert.True(selfFound >= count * 0.98, $"{selfFound} of {count} vectors found themselves once indexed");
    }

    [Fact]
    public void DeletesAndUpdates_OfPendingVectors_AreHonoured_BeforeAndAfterIndexing()
    {
        const int count = 800;
        float[] data = VectorData.Clustered(count, Dim, 10, seed: 12);
        using var directory = new TemporaryDirectory();
        using var index = new TieredVectorIndex(Dim, DistanceMetric.L2Squared, hnswThreshold: 100, directory.File("graph"));
        index.PauseIndexing();
        for (int i = 0; i < count; i++)
        {
            index.Upsert(i + 1, VectorData.Row(data, Dim, i));
        }

        // Odd ids deleted while pending; id 2 moved onto row 501's vector while pending.
        for (int i = 1; i <= count; i += 2)
        {
            Assert.True(index.Delete(i));
        }

        Assert.False(index.Delete(1));
        index.Upsert(2, VectorData.Row(data, Dim, 501));
        Assert.Equal(count / 2, index.Count);
        AssertNoOddIdsAndIdTwoMoved(index, data);

        index.ResumeIndexing();
        Assert.True(index.WaitForIndexing(s_indexingTimeout));
        Assert.Equal(count / 2, index.Count);
        AssertNoOddIdsAndIdTwoMoved(index, data);

        // The same on indexed vectors: ids in the graph now.
        Assert.True(index.Delete(4));
        index.Upsert(6, VectorData.Row(data, Dim, 503));
        var hits = new VectorSearchHit[10];
        int found = index.Search(VectorData.Row(data, Dim, 503), 10, hits);
        Assert.Contains(hits[..found], h => h.InternalId == 6 && h.Distance < 1e-4f);
        Assert.DoesNotContain(hits[..found], h => h.InternalId == 4);
        Assert.Equal((count / 2) - 1, index.Count);
    }

    [Fact]
    public void WritesDuringIndexing_LeaveExactlyTheLastState()
    {
        const int count = 3_000;
        float[] data = VectorData.Clustered(count, Dim, 20, seed: 13);
        using var directory = new TemporaryDirectory();
        using var index = new TieredVectorIndex(Dim, DistanceMetric.L2Squared, hnswThreshold: 100, directory.File("graph"));

        // The indexer runs while the writer keeps changing ids it may be linking: every third id is deleted and every
        // third moved to another row's vector, some of them several times.
        var expected = new Dictionary<long, int>();
        for (int i = 0; i < count; i++)
        {
            index.Upsert(i, VectorData.Row(data, Dim, i));
            expected[i] = i;
            if (i >= 50 && i % 7 == 0)
            {
                long target = i - 50;
                if (target % 3 == 0)
                {
                    index.Delete(target);
                    expected.Remove(target);
                }
                else if (target % 3 == 1)
                {
                    int row = (int)((target * 31) % count);
                    index.Upsert(target, VectorData.Row(data, Dim, row));
                    expected[target] = row;
                }
            }
        }

        Assert.Equal(expected.Count, index.Count);
        index.DrainPending();
        Assert.Equal(0, index.PendingVectors);
        Assert.Equal(expected.Count, index.Count);

        // Every live id is found at its current vector (distance 0 among the nearest), deleted ids never.
        var hits = new VectorSearchHit[10];
        int misses = 0;
        foreach ((long id, int row) in expected)
        {
            int found = index.Search(VectorData.Row(data, Dim, row), 10, hits);
            bool seen = false;
            for (int h = 0; h < found; h++)
            {
                Assert.True(expected.ContainsKey(hits[h].InternalId), $"deleted id {hits[h].InternalId} returned");
                if (hits[h].InternalId == id)
                {
                    Assert.True(hits[h].Distance < 1e-3f, $"id {id} returned at a stale vector (distance {hits[h].Distance})");
                    seen = true;
                }
            }

            misses += seen ? 0 : 1;
        }

        Assert.True(misses <= expected.Count / 100, $"{misses} of {expected.Count} live ids not found at their vector");
    }

    [Fact]
    public void ConcurrentSearches_DuringIndexing_FindEveryAcknowledgedVector()
    {
        const int count = 4_000;
        float[] data = VectorData.Clustered(count, Dim, 20, seed: 14);
        using var directory = new TemporaryDirectory();
        using var index = new TieredVectorIndex(Dim, DistanceMetric.L2Squared, hnswThreshold: 500, directory.File("graph"));
        int acknowledged = 0;
        int misses = 0;
        int queries = 0;
        Exception? failure = null;
        using var done = new ManualResetEventSlim(false);
        var searcher = new Thread(() =>
        {
            try
            {
                var hits = new VectorSearchHit[10];
                var random = new Random(5);
                while (!done.IsSet && queries < 200_000)
                {
                    int upTo = Volatile.Read(ref acknowledged);
                    if (upTo == 0)
                    {
                        continue;
                    }

                    int row = random.Next(upTo);
                    int found = index.Search(VectorData.Row(data, Dim, row), 10, hits);
                    bool seen = false;
                    for (int h = 0; h < found; h++)
                    {
                        seen |= hits[h].InternalId == row;
                    }

                    queries++;
                    misses += seen ? 0 : 1;
                }
            }
            catch (Exception exception)
            {
                failure = exception;
            }
        });
        searcher.Start();
        for (int i = 0; i < count; i++)
        {
            index.Upsert(i, VectorData.Row(data, Dim, i));
            Volatile.Write(ref acknowledged, i + 1);
        }

        Assert.True(index.WaitForIndexing(s_indexingTimeout));
        done.Set();
        searcher.Join();
        Assert.Null(failure);
        Assert.True(queries > 0);

        // Vectors in the backlog are always found; once linked, HNSW is approximate: allow 1% misses.
        Assert.True(misses <= Math.Max(1, queries / 100), $"{misses} misses in {queries} searches for acknowledged vectors");
        Assert.Equal(count, index.Count);
    }

    [Fact]
    public void Dispose_WithABacklog_ReturnsPromptly_AndLaterCallsThrow()
    {
        const int count = 600;
        float[] data = VectorData.Clustered(count, Dim, 10, seed: 15);
        using var directory = new TemporaryDirectory();
        var index = new TieredVectorIndex(Dim, DistanceMetric.Cosine, hnswThreshold: 100, directory.File("graph"));
        index.PauseIndexing();
        for (int i = 0; i < count; i++)
        {
            index.Upsert(i, VectorData.Row(data, Dim, i));
        }

        Assert.Equal(count, index.PendingVectors);
        index.ResumeIndexing(); // the indexer may be mid-batch when Dispose comes
        index.Dispose();
        Assert.Throws<ObjectDisposedException>(() => index.Rebuild([], []));
        Assert.False(index.SealForCheckpoint());
    }

    [Fact]
    public void SealForCheckpoint_DrainsTheBacklog_IntoTheSegment()
    {
        const int count = 700;
        float[] data = VectorData.Clustered(count, Dim, 10, seed: 16);
        using var directory = new TemporaryDirectory();
        using var index = new TieredVectorIndex(Dim, DistanceMetric.L2Squared, hnswThreshold: 100, directory.File("graph"));
        index.PauseIndexing();
        for (int i = 0; i < count; i++)
        {
            index.Upsert(i, VectorData.Row(data, Dim, i));
        }

        Assert.Equal(count, index.PendingVectors);
        Assert.True(index.SealForCheckpoint());
        Assert.Equal(0, index.PendingVectors);
        Assert.Equal(1, index.SegmentCount);
        Assert.Equal(count, index.Count);
    }

    [Fact]
    public void Backpressure_UpsertWaitsForTheIndexer_SoTheBacklogStaysBounded()
    {
        const int count = 2_000;
        const int limit = 300;
        float[] data = VectorData.Clustered(count, Dim, 10, seed: 17);
        using var directory = new TemporaryDirectory();
        using var index = new TieredVectorIndex(Dim, DistanceMetric.L2Squared, hnswThreshold: 100, directory.File("graph"), maxPendingVectors: limit);
        int largest = 0;
        for (int i = 0; i < count; i++)
        {
            index.Upsert(i, VectorData.Row(data, Dim, i));
            largest = Math.Max(largest, index.PendingVectors);
        }

        // An upsert returns once the backlog is at most the limit (the switch itself hands over one threshold's worth).
        Assert.True(largest <= limit, $"the backlog reached {largest}, over the limit {limit}");
        Assert.Equal(count, index.Count);
    }

    private static void AssertNoOddIdsAndIdTwoMoved(TieredVectorIndex index, float[] data)
    {
        var hits = new VectorSearchHit[10];
        for (int q = 0; q < 100; q++)
        {
            int found = index.Search(VectorData.Row(data, Dim, q), 10, hits);
            for (int h = 0; h < found; h++)
            {
                Assert.True(hits[h].InternalId % 2 == 0, $"deleted id {hits[h].InternalId} returned");
            }
        }

        int n = index.Search(VectorData.Row(data, Dim, 501), 2, hits);
        Assert.Equal(2, n);
        Assert.Contains(hits[..n], h => h.InternalId == 2);
        Assert.Contains(hits[..n], h => h.InternalId == 502);
        Assert.True(hits[1].Distance < 1e-4f);
    }
}
