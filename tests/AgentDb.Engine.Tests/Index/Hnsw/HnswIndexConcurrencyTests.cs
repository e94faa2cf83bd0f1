using System.Collections.Concurrent;
using AgentDb.Index.Hnsw;
using AgentDb.Kernels;

namespace AgentDb.Engine.Tests.Index.Hnsw;

public sealed class HnswIndexConcurrencyTests
{
    private const int Dimension = 16;

    [Fact]
    public void AddBatch_OnEveryCore_MakesEveryIdSearchable()
    {
        const int count = 3_000;
        float[] data = VectorData.Clustered(count, Dimension, clusters: 30, seed: 31);
        long[] ids = VectorData.Ids(count, first: 500);
        using var index = new HnswIndex(new HnswOptions
        {
            Dimension = Dimension, Metric = DistanceMetric.L2Squared, EfConstruction = 100, InitialCapacity = 8,
        });

        index.AddBatch(ids, data, maxDegreeOfParallelism: Math.Max(4, Environment.ProcessorCount));

        Assert.Equal(count, index.Count);
        var hit = new SearchHit[1];
        for (int i = 0; i < count; i++)
        {
            Assert.True(index.Contains(ids[i]));
            Assert.Equal(1, index.Search(VectorData.Row(data, Dimension, i), 1, hit, filter: new IdSetFilter([ids[i]])));
            Assert.Equal(new SearchHit(ids[i], 0f), hit[0]);
        }

        // Through the graph: HNSW does not promise every node is reachable (a tight clique can lose all incoming links
        // to the heuristic's pruning, more often when its members are inserted at the same time), so a floor, not all.
        AssertMostlyFindable(index, data, ids);
    }

    [Fact]
    public void AddBatch_InParallel_RecallMatchesSequentialBuild()
    {
        const int count = 2_000;
        float[] data = VectorData.Clustered(count, Dimension, clusters: 20, seed: 32);
        long[] ids = VectorData.Ids(count);
        using var sequential = new HnswIndex(new HnswOptions { Dimension = Dimension, Metric = DistanceMetric.L2Squared, EfConstruction = 64 });
        using var parallel = new HnswIndex(new HnswOptions { Dimension = Dimension, Metric = DistanceMetric.L2Squared, EfConstruction = 64 });
        sequential.AddBatch(ids, data, maxDegreeOfParallelism: 1);
        parallel.AddBatch(ids, data, maxDegreeOfParallelism: 4);

        double sequentialRecall = Recall(sequential, data, ids);
        double parallelRecall = Recall(parallel, data, ids);

        Assert.True(parallelRecall >= 0.95, $"parallel recall {parallelRecall:F3}");
        Assert.True(parallelRecall >= sequentialRecall - 0.02, $"parallel {parallelRecall:F3}, sequential {sequentialRecall:F3}");
    }

    [Fact]
    public async Task AddsDeletesAndSearches_RunningTogether_LoseAndDuplicateNothing()
    {
        const int writers = 2;
        const int perWriter = 1_500;
        const int count = writers * perWriter;
        float[] data = VectorData.Clustered(count, Dimension, clusters: 30, seed: 33);
        long[] ids = VectorData.Ids(count);
        using var index = new HnswIndex(new HnswOptions
        {
            Dimension = Dimension, Metric = DistanceMetric.Cosine, EfConstruction = 64, InitialCapacity = 16, // grows ~8 times meanwhile
        });
        var deleted = new ConcurrentDictionary<long, bool>();
        var failures = new ConcurrentQueue<string>();
        int writersLeft = writers;
        int searches = 0;

        var tasks = new List<Task>();
        for (int w = 0; w < writers; w++)
        {
            int first = w * perWriter;
            tasks.Add(Task.Factory.StartNew(
                () =>
                {
                    for (int i = first; i < first + perWriter; i++)
                    {
                        index.Add(ids[i], VectorData.Row(data, Dimension, i));
                        if (i % 10 == 9)
                        {
                            // Delete an id added earlier by this writer.
                            Assert.True(index.Delete(ids[i - 5]));
                            deleted[ids[i - 5]] = true;
                        }
                    }

                    Interlocked.Decrement(ref writersLeft);
                },
                TaskCreationOptions.LongRunning));
        }

        for (int s = 0; s < 2; s++)
        {
            int seed = s;
            tasks.Add(Task.Factory.StartNew(
                () =>
                {
                    var random = new Random(seed);
                    var hits = new SearchHit[10];
                    var seen = new HashSet<long>();
                    while (Volatile.Read(ref writersLeft) > 0 || seen.Count == 0)
                    {
                        int written = index.Search(VectorData.Row(data, Dimension, random.Next(count)), 10, hits);
                        Interlocked.Increment(ref searches);
                        seen.Clear();
                        for (int i = 0; i < written; i++)
                        {
                            if (!seen.Add(hits[i].Id) || hits[i].Id < 0 || hits[i].Id >= count)
                            {
                                failures.Enqueue($"bad or duplicated id {hits[i].Id}");
                            }

                            if (i > 0 && hits[i].Distance < hits[i - 1].Distance)
                            {
                                failures.Enqueue("hits out of order");
                            }
                        }
                    }
                },
                TaskCreationOptions.LongRunning));
        }

        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Empty(failures);
        Assert.True(searches > 0);
        Assert.Equal(count - deleted.Count, index.Count);

        var live = new List<long>();
        var liveRows = new List<float>();
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(!deleted.ContainsKey(ids[i]), index.Contains(ids[i]));
            if (!deleted.ContainsKey(ids[i]))
            {
                live.Add(ids[i]);
                liveRows.AddRange(VectorData.Row(data, Dimension, i).ToArray());
            }
        }

        AssertMostlyFindable(index, [.. liveRows], [.. live]);
        var all = new SearchHit[count];
        int returned = index.Search(VectorData.Row(data, Dimension, 0), count, all, ef: count);
        Assert.Equal(live.Count, returned);
        Assert.Equal(live.Count, all.Take(returned).Select(hit => hit.Id).Distinct().Count());
        Assert.DoesNotContain(all.Take(returned), hit => deleted.ContainsKey(hit.Id));
    }

    /// <summary>At least 99.8% of ids come back among the 10 nearest when searching with their own vector.</summary>
    private static void AssertMostlyFindable(HnswIndex index, float[] data, long[] ids)
    {
        var hits = new SearchHit[10];
        int findable = 0;
        for (int i = 0; i < ids.Length; i++)
        {
            int written = index.Search(VectorData.Row(data, Dimension, i), 10, hits, ef: 64);
            for (int j = 0; j < written; j++)
            {
                if (hits[j].Id == ids[i])
                {
                    findable++;
                    break;
                }
            }
        }

        Assert.True(findable >= ids.Length * 0.998, $"{ids.Length - findable} of {ids.Length} ids not found through the graph");
    }

    private static double Recall(HnswIndex index, float[] data, long[] ids)
    {
        float[] queries = VectorData.Clustered(50, Dimension, clusters: 20, seed: 34);
        var hits = new SearchHit[10];
        int found = 0;
        for (int q = 0; q < 50; q++)
        {
            ReadOnlySpan<float> query = VectorData.Row(queries, Dimension, q);
            index.Search(query, 10, hits, ef: 64);
            found += VectorData.Overlap(VectorData.ExactNearest(DistanceMetric.L2Squared, data, ids, Dimension, query, 10), hits);
        }

        return found / 500.0;
    }
}
