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
    /// <summary>
    /// Deterministic replay of the interleaving behind the crash test's self-search misses: a node of level 1 is held
    /// after its level-1 list is written and before its level-0 list is, while other points are inserted next to it. A
    /// half-linked node must not be reachable yet: formerly its level-1 neighbours already linked back to it, so the new
    /// points descended to it, found nothing below it on level 0, and linked only to it and to each other — an island
    /// far from their true neighbours, which later self-searches at k = 10 missed.
    /// </summary>
    [Fact]
    public async Task Add_BesideANodeHalfwayThroughItsInsert_LinksToTheTrueNearestNeighbours()
    {
        const int dimension = 2;
        const int bulk = 300;
        const int near = 6;
        var options = new HnswOptions { Dimension = dimension, Metric = DistanceMetric.L2Squared, InitialCapacity = 1_024, Seed = 42 };
        double multiplier = LevelGenerator.MultiplierFor(options.M);

        // The held node: level exactly 1, below the top level of the points before it (so it takes no entry lock),
        // followed by level-0 nodes for the points inserted beside it.
        int held = -1;
        for (int node = bulk; node < 1_000 && held < 0; node++)
        {
            bool followersFlat = true;
            for (int next = node + 1; next <= node + near; next++)
            {
                followersFlat &= LevelGenerator.Draw(options.Seed, next, multiplier) == 0;
            }

            if (LevelGenerator.Draw(options.Seed, node, multiplier) == 1 && followersFlat)
            {
                held = node;
            }
        }

        Assert.True(held > 0, "no node number with the wanted levels");
        int topBefore = 0;
        for (int node = 0; node < held; node++)
        {
            topBefore = Math.Max(topBefore, LevelGenerator.Draw(options.Seed, node, multiplier));
        }

        Assert.True(topBefore >= 1);

        // Points 0..held-1 spread over [0, 10)², the held node at (5, 5), the later ones 0.05 apart just beside it.
        var random = new Random(5);
        var points = new List<float[]>();
        for (int node = 0; node < held; node++)
        {
            points.Add([10 * random.NextSingle(), 10 * random.NextSingle()]);
        }

        points.Add([5f, 5f]);
        for (int j = 1; j <= near; j++)
        {
            points.Add([5f + (0.05f * j), 5.02f]);
        }

        using var index = new HnswIndex(options);
        for (int node = 0; node < held; node++)
        {
            index.Add(node, points[node]);
        }

        using var halfway = new ManualResetEventSlim(false);
        using var release = new ManualResetEventSlim(false);
        index.LevelConnected = (node, level) =>
        {
            if (node == held && level == 1)
            {
                halfway.Set();
                Assert.True(release.Wait(TimeSpan.FromSeconds(30)));
            }
        };

        var insertHeld = Task.Run(() => index.Add(held, points[held]));
        Assert.True(halfway.Wait(TimeSpan.FromSeconds(30)), "the held insert never reached level 0");
        try
        {
            for (int node = held + 1; node <= held + near; node++)
            {
                index.Add(node, points[node]);
            }
        }
        finally
        {
            release.Set();
        }

        await insertHeld;
        index.LevelConnected = null;

        HnswSnapshot snapshot = index.AcquireSnapshot();
        try
        {
            var buffer = new int[snapshot.Storage.MaxDegree0];
            for (int node = held + 1; node <= held + near; node++)
            {
                // Its nearest among the points complete before it (the held one was not).
                int nearest = -1;
                float best = float.MaxValue;
                for (int other = 0; other < node; other++)
                {
                    float d = SquaredDistance(points[node], points[other]);
                    if (other != held && d < best)
                    {
                        best = d;
                        nearest = other;
                    }
                }

                int[] links = snapshot.Storage.ReadNeighbors(node, 0, buffer).ToArray();
                Assert.True(
                    links.Contains(nearest),
                    $"node {node} links to [{string.Join(", ", links)}] on level 0, not to its nearest neighbour {nearest} (the held node is {held})");
            }
        }
        finally
        {
            index.ReleaseSnapshot();
        }
    }

    private static float SquaredDistance(float[] a, float[] b)
    {
        float sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += (a[i] - b[i]) * (a[i] - b[i]);
        }

        return sum;
    }

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
