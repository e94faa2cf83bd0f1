using AgentDb.Index;
using AgentDb.Kernels;

namespace AgentDb.Engine.Tests.Index;

public sealed class ExactVectorIndexTests
{
    [Theory]
    [InlineData(DistanceMetric.Cosine, 1)]
    [InlineData(DistanceMetric.L2Squared, 2)]
    [InlineData(DistanceMetric.Dot, 3)]
    public void Search_MatchesANaiveScan_AcrossChunks_AfterUpsertsAndDeletes(DistanceMetric metric, int seed)
    {
        const int dimension = 12;
        var random = new Random(seed);
        using var index = new ExactVectorIndex(dimension, metric);
        var reference = new Dictionary<long, float[]>();
        for (int step = 0; step < 3_000; step++)
        {
            long id = random.Next(1, 2_500);
            if (random.Next(4) == 0)
            {
                Assert.Equal(reference.Remove(id), index.Delete(id));
            }
            else
            {
                float[] vector = RandomVector(random, dimension);
                reference[id] = vector;
                index.Upsert(id, vector);
            }
        }

        Assert.Equal(reference.Count, index.Count);
        var hits = new VectorSearchHit[10];
        for (int q = 0; q < 20; q++)
        {
            float[] query = RandomVector(random, dimension);
            int found = index.Search(query, 10, hits);
            var expected = reference
                .Select(pair => (Id: pair.Key, Distance: Distance.Compute(metric, query, pair.Value)))
                .OrderBy(hit => hit.Distance).ThenBy(hit => hit.Id).Take(10).ToArray();
            Assert.Equal(expected.Length, found);
            for (int i = 0; i < found; i++)
            {
                Assert.Equal(expected[i].Distance, hits[i].Distance, 1e-5f);
            }

            var even = new EvenIds();
            found = index.Search(query, 10, hits, even);
            long[] expectedEven = reference.Where(p => p.Key % 2 == 0)
                .Select(pair => (Id: pair.Key, Distance: Distance.Compute(metric, query, pair.Value)))
                .OrderBy(hit => hit.Distance).Take(10).Select(h => h.Id).ToArray();
            Assert.Equal(expectedEven.Length, found);
            Assert.All(hits.Take(found), hit => Assert.Equal(0, hit.InternalId % 2));
            Assert.True(even.Calls < reference.Count, "the filter should be consulted nearest first and stop early");
        }
    }

    [Fact]
    public void PutMany_EqualsPutOneByOne_WithRepeatsAndReplacements_AcrossChunks()
    {
        const int dimension = 8;
        var random = new Random(11);
        using var one = new ExactVectorIndex(dimension, DistanceMetric.L2Squared);
        using var many = new ExactVectorIndex(dimension, DistanceMetric.L2Squared);
        for (int run = 0; run < 6; run++)
        {
            // Runs of 700 over ids 1..1500: later runs replace vectors, and an id may repeat inside a run (the last wins).
            var ids = new long[700];
            var vectors = new ReadOnlyMemory<byte>[700];
            int added = 0;
            for (int i = 0; i < ids.Length; i++)
            {
                ids[i] = random.Next(1, 1_500);
                float[] vector = RandomVector(random, dimension);
                vectors[i] = System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan()).ToArray();
                added += one.Put(ids[i], vector) ? 1 : 0;
            }

            Assert.Equal(added, many.PutMany(ids, vectors));
            Assert.Equal(one.Count, many.Count);
        }

        one.Snapshot(out long[] oneIds, out float[] oneVectors);
        many.Snapshot(out long[] manyIds, out float[] manyVectors);
        Assert.Equal(oneIds, manyIds);
        Assert.Equal(oneVectors, manyVectors);
    }

    [Fact]
    public void PutMany_WithAWrongDimension_Throws_AndStoresNothing()
    {
        using var index = new ExactVectorIndex(4, DistanceMetric.L2Squared);
        ReadOnlyMemory<byte>[] vectors = [new byte[16], new byte[12]];
        Assert.Throws<ArgumentException>(() => index.PutMany([1, 2], vectors));
        Assert.Throws<ArgumentException>(() => index.PutMany([1], vectors));
        Assert.Throws<ArgumentException>(() => index.PutMany([1], [new byte[17]]));
        Assert.Equal(0, index.Count);
        Assert.False(index.Contains(1));
    }

    [Fact]
    public void Rebuild_ReplacesTheContent()
    {
        using var index = new ExactVectorIndex(2, DistanceMetric.L2Squared);
        index.Upsert(99, [9f, 9f]);
        index.Rebuild([1, 2], [1f, 0f, 0f, 2f]);
        Assert.Equal(2, index.Count);
        Assert.False(index.Delete(99));
        var hits = new VectorSearchHit[2];
        Assert.Equal(2, index.Search([1f, 0f], 2, hits));
        Assert.Equal(1, hits[0].InternalId);
        Assert.Throws<ArgumentException>(() => index.Upsert(3, [1f]));
    }

    private static float[] RandomVector(Random random, int dimension)
    {
        float[] vector = new float[dimension];
        for (int i = 0; i < dimension; i++)
        {
            vector[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return vector;
    }

    private sealed class EvenIds : IVectorIdFilter
    {
        public int Calls { get; private set; }

        public bool Matches(long internalId)
        {
            Calls++;
            return internalId % 2 == 0;
        }
    }
}
