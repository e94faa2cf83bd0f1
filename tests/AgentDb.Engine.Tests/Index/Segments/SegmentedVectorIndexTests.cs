using System.Collections.Concurrent;
using AgentDb.Index.Hnsw;
using AgentDb.Index.Segments;
using AgentDb.Kernels;

namespace AgentDb.Engine.Tests.Index.Segments;

public sealed class SegmentedVectorIndexTests : IDisposable
{
    private const int Dimension = 16;
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Add_PastTheThreshold_SealsSegments()
    {
        using SegmentedVectorIndex collection = Create(sealThreshold: 400);
        float[] data = VectorData.Clustered(1_000, Dimension, clusters: 10, seed: 61);

        for (int i = 0; i < 1_000; i++)
        {
            collection.Add(i, VectorData.Row(data, Dimension, i));
        }

        Assert.Equal(2, collection.SegmentCount);
        Assert.Equal(1_000, collection.Count);
        Assert.Equal(2, Directory.GetFiles(_directory.Path, "segment-*.hnsw").Length);
    }

    [Fact]
    public void Search_AcrossMutableAndSegments_FindsTheNearestLivePoints()
    {
        const int count = 2_000;
        float[] data = VectorData.Clustered(count, Dimension, clusters: 20, seed: 62);
        long[] ids = VectorData.Ids(count);
        using SegmentedVectorIndex collection = Create(sealThreshold: 650);
        collection.AddBatch(ids.AsSpan(0, 700), data.AsSpan(0, 700 * Dimension));
        collection.AddBatch(ids.AsSpan(700, 700), data.AsSpan(700 * Dimension, 700 * Dimension));
        collection.AddBatch(ids.AsSpan(1_400), data.AsSpan(1_400 * Dimension)); // stays mutable
        var deleted = new HashSet<long>();
        for (int i = 0; i < count; i += 9)
        {
            Assert.True(collection.Delete(ids[i]));
            deleted.Add(ids[i]);
        }

        Assert.Equal(2, collection.SegmentCount);
        Assert.Equal(count - deleted.Count, collection.Count);
        double recall = Recall(collection, data, ids, deleted);
        Assert.True(recall >= 0.9, $"recall@10 = {recall:F3}");
    }

    [Fact]
    public void Compact_KeepsEveryLiveIdAndDropsDeletedOnes()
    {
        const int count = 1_500;
        float[] data = VectorData.Clustered(count, Dimension, clusters: 15, seed: 63);
        long[] ids = VectorData.Ids(count, first: 10_000);
        using SegmentedVectorIndex collection = Create(sealThreshold: 500);
        collection.AddBatch(ids.AsSpan(0, 500), data.AsSpan(0, 500 * Dimension));
        collection.AddBatch(ids.AsSpan(500, 500), data.AsSpan(500 * Dimension, 500 * Dimension));
        collection.AddBatch(ids.AsSpan(1_000), data.AsSpan(1_000 * Dimension));
        Assert.Equal(3, collection.SegmentCount);
        var deleted = new HashSet<long>();
        for (int i = 0; i < count; i += 4)
        {
            Assert.True(collection.Delete(ids[i]));
            deleted.Add(ids[i]);
        }

        collection.Compact();

        Assert.Equal(1, collection.SegmentCount);
        Assert.Single(Directory.GetFiles(_directory.Path, "segment-*.hnsw"));
        Assert.Equal(count - deleted.Count, collection.Count);
        AssertHoldsExactly(collection, data, ids, deleted);
        Assert.True(Recall(collection, data, ids, deleted) >= 0.9);
    }

    [Fact]
    public void Reopen_RestoresSegmentsAndTheirDeletes()
    {
        const int count = 800;
        float[] data = VectorData.Clustered(count, Dimension, clusters: 8, seed: 64);
        long[] ids = VectorData.Ids(count);
        var deleted = new HashSet<long>();
        using (SegmentedVectorIndex collection = Create(sealThreshold: 300))
        {
            collection.AddBatch(ids, data);
            for (int i = 0; i < count; i += 5)
            {
                Assert.True(collection.Delete(ids[i]));
                deleted.Add(ids[i]);
            }

            collection.Flush();
        }

        File.WriteAllBytes(_directory.File("segment-0000000099.hnsw.tmp"), [1, 2, 3]); // an interrupted seal's leftover
        using SegmentedVectorIndex reopened = Create(sealThreshold: 300);

        Assert.Equal(count - deleted.Count, reopened.Count);
        AssertHoldsExactly(reopened, data, ids, deleted);
        Assert.False(File.Exists(_directory.File("segment-0000000099.hnsw.tmp")));
        reopened.Add(5_000, VectorData.Row(data, Dimension, 1)); // sequence numbers continue past the old files
        reopened.Flush();
        Assert.Equal(count - deleted.Count + 1, reopened.Count);
    }

    [Fact]
    public void Reopen_AfterATornTombstoneWrite_KeepsTheWholeRecords()
    {
        using (SegmentedVectorIndex collection = Create(sealThreshold: 3))
        {
            collection.AddBatch([1L, 2L, 3L], new float[3 * Dimension]);
            Assert.True(collection.Delete(2));
        }

        string tombstones = Directory.GetFiles(_directory.Path, "*.deleted").Single();
        using (var file = new FileStream(tombstones, FileMode.Append))
        {
            file.Write([3, 0, 0]); // a crash three bytes into the record deleting id 3
        }

        using SegmentedVectorIndex reopened = Create(sealThreshold: 3);

        Assert.Equal(2, reopened.Count);
        Assert.False(reopened.Contains(2));
        Assert.True(reopened.Contains(3));
        Assert.Equal(8, new FileInfo(tombstones).Length);
        Assert.True(reopened.Delete(3));
    }

    [Fact]
    public void Add_OfIdLiveInASegment_Throws_AndOfDeletedOneSucceeds()
    {
        using SegmentedVectorIndex collection = Create(sealThreshold: 1);
        collection.Add(1, new float[Dimension]);
        Assert.Equal(1, collection.SegmentCount);

        Assert.Throws<ArgumentException>(() => collection.Add(1, new float[Dimension]));
        Assert.Throws<ArgumentException>(() => collection.AddBatch([2L, 1L], new float[2 * Dimension]));
        Assert.True(collection.Delete(1));
        Assert.False(collection.Delete(1));
        Assert.False(collection.Contains(1));
        collection.Add(1, Enumerable.Repeat(1f, Dimension).ToArray());

        var hits = new SearchHit[5];
        Assert.Equal(1, collection.Search(new float[Dimension], 5, hits));
        Assert.Equal(new SearchHit(1, Dimension), hits[0]);
    }

    [Fact]
    public void Compact_WhileSearchingAndDeleting_NeverFailsASearch()
    {
        const int count = 1_200;
        float[] data = VectorData.Clustered(count, Dimension, clusters: 12, seed: 65);
        long[] ids = VectorData.Ids(count);
        using SegmentedVectorIndex collection = Create(sealThreshold: 300);
        collection.AddBatch(ids, data);
        var failures = new ConcurrentQueue<Exception>();
        var deleted = new ConcurrentDictionary<long, bool>();
        int stop = 0;

        var searcher = new Thread(() =>
        {
            var hits = new SearchHit[10];
            var random = new Random(66);
            while (Volatile.Read(ref stop) == 0)
            {
                try
                {
                    int written = collection.Search(VectorData.Row(data, Dimension, random.Next(count)), 10, hits);
                    if (written != 10)
                    {
                        failures.Enqueue(new InvalidOperationException($"{written} hits"));
                    }
                }
                catch (Exception error)
                {
                    failures.Enqueue(error);
                }
            }
        });
        var deleter = new Thread(() =>
        {
            for (int i = 1; i < count && Volatile.Read(ref stop) == 0; i += 10)
            {
                collection.Delete(ids[i]);
                deleted[ids[i]] = true;
            }
        });
        searcher.Start();
        deleter.Start();
        collection.Compact();
        deleter.Join();
        Volatile.Write(ref stop, 1);
        searcher.Join();

        Assert.Empty(failures);
        Assert.Equal(1, collection.SegmentCount);
        AssertHoldsExactly(collection, data, ids, [.. deleted.Keys]);
    }

    [Fact]
    public void Constructor_OverSegmentsOfAnotherShape_Throws()
    {
        using (SegmentedVectorIndex collection = Create(sealThreshold: 1))
        {
            collection.Add(1, new float[Dimension]);
        }

        Assert.Throws<ArgumentException>(() => new SegmentedVectorIndex(
            _directory.Path, new HnswOptions { Dimension = Dimension + 1, Metric = DistanceMetric.L2Squared }));
    }

    [Fact]
    public void SealMutable_IsNamedOnlyByTheNextManifest_WhichCarriesTheDeclaredLsn()
    {
        float[] data = VectorData.Clustered(500, Dimension, clusters: 5, seed: 64);
        using (SegmentedVectorIndex collection = Create(sealThreshold: int.MaxValue))
        {
            collection.AddBatch(VectorData.Ids(300, first: 0), data.AsSpan(0, 300 * Dimension));
            collection.WriteManifest(17);
            collection.SealMutable();
            collection.AddBatch(VectorData.Ids(200, first: 300), data.AsSpan(300 * Dimension));
            collection.SealMutable(); // two segments on disk, none named yet
            Assert.Equal(2, collection.SegmentCount);
            Assert.Equal(17, collection.PersistedLsn);
        }

        using (SegmentedVectorIndex reopened = Create(sealThreshold: int.MaxValue))
        {
            Assert.Equal(0, reopened.SegmentCount); // the unnamed segments were leftovers
            Assert.Equal(17, reopened.PersistedLsn);
            Assert.Empty(Directory.GetFiles(_directory.Path, "segment-*"));
            reopened.AddBatch(VectorData.Ids(500, first: 0), data);
            reopened.SealMutable();
            reopened.WriteManifest(42);
        }

        // Golden text: the persisted manifest format, version 2.
        string[] lines = File.ReadAllLines(Path.Combine(_directory.Path, "segments.manifest"));
        Assert.Equal("agentdb-segments 2", lines[0]);
        Assert.Equal("lsn 42", lines[1]);
        Assert.Matches("^segment-[0-9]{10}\\.hnsw$", Assert.Single(lines[2..]));
        using SegmentedVectorIndex again = Create(sealThreshold: int.MaxValue);
        Assert.Equal(42, again.PersistedLsn);
        Assert.Equal(500, again.Count);
    }

    [Fact]
    public void AVersion1Manifest_IsStillRead_AsLsnZero()
    {
        using (SegmentedVectorIndex collection = Create(sealThreshold: int.MaxValue))
        {
            collection.AddBatch(VectorData.Ids(100, first: 0), VectorData.Clustered(100, Dimension, clusters: 2, seed: 65));
            collection.Flush();
        }

        string manifest = Path.Combine(_directory.Path, "segments.manifest");
        string[] lines = File.ReadAllLines(manifest);
        File.WriteAllLines(manifest, ["agentdb-segments 1", .. lines[2..]]);
        using SegmentedVectorIndex reopened = Create(sealThreshold: int.MaxValue);
        Assert.Equal(0, reopened.PersistedLsn);
        Assert.Equal(100, reopened.Count);
    }

    private SegmentedVectorIndex Create(int sealThreshold) => new(
        _directory.Path,
        new HnswOptions { Dimension = Dimension, Metric = DistanceMetric.L2Squared, EfConstruction = 64 },
        sealThreshold);

    /// <summary>Every live id is there (found alone by an exact filter) and no deleted one is.</summary>
    private static void AssertHoldsExactly(SegmentedVectorIndex collection, float[] data, long[] ids, HashSet<long> deleted)
    {
        var hit = new SearchHit[1];
        for (int i = 0; i < ids.Length; i++)
        {
            bool live = !deleted.Contains(ids[i]);
            Assert.Equal(live, collection.Contains(ids[i]));
            int written = collection.Search(VectorData.Row(data, Dimension, i), 1, hit, filter: new IdSetFilter([ids[i]]));
            Assert.Equal(live ? 1 : 0, written);
        }
    }

    private static double Recall(SegmentedVectorIndex collection, float[] data, long[] ids, HashSet<long> deleted)
    {
        float[] queries = VectorData.Clustered(40, Dimension, clusters: 20, seed: 67);
        var hits = new SearchHit[10];
        int found = 0;
        for (int q = 0; q < 40; q++)
        {
            ReadOnlySpan<float> query = VectorData.Row(queries, Dimension, q);
            Assert.Equal(10, collection.Search(query, 10, hits, ef: 64));
            Hnsw.HnswIndexRecallTests.AssertSortedAscending(hits);
            Assert.DoesNotContain(hits, hit => deleted.Contains(hit.Id));
            found += VectorData.Overlap(VectorData.ExactNearest(DistanceMetric.L2Squared, data, ids, Dimension, query, 10, id => !deleted.Contains(id)), hits);
        }

        return found / 400.0;
    }

}
