using AgentDb.Engine.Tests.Support;
using AgentDb.Kernels;
using static AgentDb.Engine.Tests.Replication.ReplicaTestHelpers;
using static AgentDb.Engine.Tests.Storage.DatabaseTestHelpers;

namespace AgentDb.Engine.Tests.Storage;

/// <summary>
/// The search beam width (<c>ef</c>) a search names, and the HNSW parameters (<c>M</c>, <c>efConstruction</c>) a
/// collection is created with: honoured, validated, and kept across reopen and replication.
/// </summary>
public sealed class SearchParameterTests
{
    private const int Dim = 16;
    private const int Threshold = 200;

    [Fact]
    public void Search_WiderEf_FindsAtLeastAsManyTrueNeighbours_AndChangesSomeResults()
    {
        // A sparse graph (M 4, efConstruction 8) over tight clusters: a beam of k misses true neighbours that a
        // beam of 400 finds.
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, GraphOptions());
        db.CreateCollection("c", Dim, DistanceMetric.L2Squared, hnswM: 4, hnswEfConstruction: 8);
        float[][] vectors = ClusteredVectors(count: 3_000, clusters: 30, seed: 5);
        var batch = new RecordBatch();
        for (int i = 0; i < vectors.Length; i++)
        {
            batch.Upsert("c", $"r{i}", Payload("n", "s"), vectors[i]);
            if (batch.Count == 500)
            {
                db.Batch(batch);
                batch.Clear();
            }
        }

        db.Batch(batch);
        Assert.True(db.IndexOf("c").WaitForIndexing(TimeSpan.FromMinutes(2)));
        Assert.True(db.IndexOf("c").UsesHnsw);

        const int k = 10;
        float[][] queries = ClusteredVectors(count: 60, clusters: 30, seed: 5, noiseSeed: 99);
        int foundNarrow = 0;
        int foundWide = 0;
        int differing = 0;
        foreach (float[] query in queries)
        {
            HashSet<string> truth = TrueNeighbours(vectors, query, k);
            IReadOnlyList<SearchResult> narrow = db.Search("c", query, k, ef: 1);
            IReadOnlyList<SearchResult> wide = db.Search("c", query, k, ef: 400);
            foundNarrow += CountIn(truth, narrow);
            foundWide += CountIn(truth, wide);
            if (!SameIds(narrow, wide))
            {
                differing++;
            }
        }

        Assert.True(foundWide >= foundNarrow, $"ef 400 found {foundWide} true neighbours, ef 1 found {foundNarrow}");
        Assert.True(differing > 0, "ef 1 and ef 400 returned the same ids for every query");
        Assert.True(foundWide > foundNarrow, $"ef 400 found {foundWide} true neighbours, ef 1 found {foundNarrow}");
    }

    [Fact]
    public void Search_InTheExactTier_IgnoresEf()
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options());
        db.CreateCollection("c", Dim, DistanceMetric.L2Squared);
        for (int i = 0; i < 50; i++)
        {
            db.Upsert("c", $"r{i}", Payload("n", "s"), Vector(Dim, i));
        }

        float[] query = Vector(Dim, 1_000);
        IReadOnlyList<SearchResult> narrow = db.Search("c", query, 5, ef: 1);
        IReadOnlyList<SearchResult> wide = db.Search("c", query, 5, ef: AgentDatabase.MaxSearchEf);
        Assert.True(SameIds(narrow, wide));
        Assert.Equal(5, narrow.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(AgentDatabase.MaxSearchEf + 1)]
    public void Search_EfOutOfRange_Throws(int ef)
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options());
        db.CreateCollection("c", Dim, DistanceMetric.L2Squared);
        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => db.Search("c", Vector(Dim, 1), 3, ef: ef));
        Assert.Equal("ef", error.ParamName);
    }

    [Theory]
    [InlineData(1, 200, "hnswM")]
    [InlineData(AgentDatabase.MaxHnswM + 1, 1_000, "hnswM")]
    [InlineData(16, 15, "hnswEfConstruction")]
    [InlineData(16, AgentDatabase.MaxHnswEfConstruction + 1, "hnswEfConstruction")]
    public void CreateCollection_HnswParametersOutOfRange_Throw_AndCreateNothing(int m, int efConstruction, string parameter)
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options());
        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(
            () => db.CreateCollection("c", Dim, DistanceMetric.L2Squared, m, efConstruction));
        Assert.Equal(parameter, error.ParamName);
        Assert.Empty(db.ListCollections());
    }

    [Fact]
    public void HnswParameters_SurviveReopen_AndCheckpointedSegments()
    {
        using var dir = new TempDirectory();
        using (var db = AgentDatabase.Open(dir.Path, GraphOptions()))
        {
            CollectionInfo created = db.CreateCollection("tuned", Dim, DistanceMetric.Cosine, hnswM: 6, hnswEfConstruction: 37);
            Assert.Equal((6, 37), (created.HnswM, created.HnswEfConstruction));
            db.CreateCollection("plain", Dim, DistanceMetric.Cosine);
            for (int i = 0; i < Threshold + 100; i++)
            {
                db.Upsert("tuned", $"r{i}", Payload("n", "s"), Vector(Dim, i));
            }

            Assert.True(db.IndexOf("tuned").WaitForIndexing(TimeSpan.FromMinutes(2)));
            db.Checkpoint();
        }

        using (var db = AgentDatabase.Open(dir.Path, GraphOptions()))
        {
            CollectionInfo tuned = db.ListCollections().Single(c => c.Name == "tuned");
            CollectionInfo plain = db.ListCollections().Single(c => c.Name == "plain");
            Assert.Equal((6, 37), (tuned.HnswM, tuned.HnswEfConstruction));
            Assert.Equal((AgentDatabase.DefaultHnswM, AgentDatabase.DefaultHnswEfConstruction), (plain.HnswM, plain.HnswEfConstruction));
            Assert.Equal(6, db.IndexOf("tuned").M);
            Assert.Equal(37, db.IndexOf("tuned").EfConstruction);
            Assert.Equal(Threshold + 100, db.GetStats().Collections.Single(c => c.Name == "tuned").VectorsFromSegments);
            SearchResult self = db.Search("tuned", Vector(Dim, 7), 1)[0];
            Assert.Equal("r7", self.Record.Id);
        }
    }

    [Fact]
    public async Task HnswParameters_TravelInTheLog_ToAReplica()
    {
        using var dir = new TempDirectory();
        using var primary = AgentDatabase.Open(dir.Combine("primary"), Options());
        using var replica = AgentDatabase.Open(dir.Combine("replica"), ReplicaOptions());
        primary.CreateCollection("c", 4, DistanceMetric.L2Squared, hnswM: 12, hnswEfConstruction: 99);
        replica.ApplyReplicated(await ReadAll(primary));

        CollectionInfo info = Assert.Single(replica.ListCollections());
        Assert.Equal((12, 99), (info.HnswM, info.HnswEfConstruction));
        Assert.Equal(12, replica.IndexOf("c").M);
    }

    private static AgentDatabaseOptions GraphOptions() => new()
    {
        LogPageSizeBits = 20,
        LogMemorySizeBits = 22,
        MaxPayloadBytes = 64 * 1024,
        HnswThreshold = Threshold,
    };

    /// <summary>Points scattered tightly around random centres; <paramref name="noiseSeed"/> draws other points around the same centres.</summary>
    private static float[][] ClusteredVectors(int count, int clusters, int seed, int? noiseSeed = null)
    {
        var centres = new float[clusters][];
        var centreRandom = new Random(seed);
        for (int c = 0; c < clusters; c++)
        {
            centres[c] = new float[Dim];
            for (int d = 0; d < Dim; d++)
            {
                centres[c][d] = (float)((centreRandom.NextDouble() * 20) - 10);
            }
        }

        var noise = new Random(noiseSeed ?? (seed + 1));
        var vectors = new float[count][];
        for (int i = 0; i < count; i++)
        {
            float[] centre = centres[i % clusters];
            vectors[i] = new float[Dim];
            for (int d = 0; d < Dim; d++)
            {
                vectors[i][d] = centre[d] + (float)((noise.NextDouble() * 2) - 1);
            }
        }

        return vectors;
    }

    private static HashSet<string> TrueNeighbours(float[][] vectors, float[] query, int k)
    {
        var order = new List<(float Distance, int Index)>(vectors.Length);
        for (int i = 0; i < vectors.Length; i++)
        {
            float distance = 0;
            for (int d = 0; d < Dim; d++)
            {
                float delta = vectors[i][d] - query[d];
                distance += delta * delta;
            }

            order.Add((distance, i));
        }

        order.Sort();
        var ids = new HashSet<string>();
        for (int i = 0; i < k; i++)
        {
            ids.Add($"r{order[i].Index}");
        }

        return ids;
    }

    private static int CountIn(HashSet<string> truth, IReadOnlyList<SearchResult> results)
    {
        int found = 0;
        foreach (SearchResult result in results)
        {
            if (truth.Contains(result.Record.Id))
            {
                found++;
            }
        }

        return found;
    }

    private static bool SameIds(IReadOnlyList<SearchResult> a, IReadOnlyList<SearchResult> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (int i = 0; i < a.Count; i++)
        {
            if (a[i].Record.Id != b[i].Record.Id)
            {
                return false;
            }
        }

        return true;
    }
}
