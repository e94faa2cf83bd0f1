using AgentDb.Memory.Caching;
using AgentDb.Memory.Provenance;
using AgentDb.Memory.Reflexion;
using AgentDb.Memory.Stores;
using MessagePack;

namespace AgentDb.Memory.Tests.Reflexion;

public sealed class ReflexionMemoryTests
{
    private static Episode Ep(string id, double degrees, double reward = 0.5, bool success = true, string? session = "s1", long ts = 1_000, string task = "solve it", string? critique = null) => new()
    {
        Id = id,
        Task = task,
        SessionId = session,
        Reward = reward,
        Success = success,
        TimestampUnixMs = ts,
        Critique = critique,
        LatencyMs = 10,
        Vector = MemoryHarness.Angle(degrees),
    };

    private static string[] Ids(EpisodeRetrieval retrieval)
    {
        var ids = new string[retrieval.Matches.Count];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = retrieval.Matches[i].Episode.Id!;
        }

        return ids;
    }

    [Fact]
    public void Retrieve_RanksNearestFirst_WithSimilarityOneMinusDistance()
    {
        using var h = new MemoryHarness();
        h.Reflexion.StoreEpisodes([Ep("e40", 40), Ep("e10", 10), Ep("e80", 80), Ep("e0", 0), Ep("e20", 20)]);

        EpisodeRetrieval result = h.Reflexion.RetrieveRelevant(MemoryHarness.Angle(0), new EpisodeRetrievalOptions { K = 4 });

        Assert.Equal(["e0", "e10", "e20", "e40"], Ids(result));
        for (int i = 0; i < result.Matches.Count; i++)
        {
            EpisodeMatch match = result.Matches[i];
            double expected = Math.Cos(double.Parse(match.Episode.Id![1..], System.Globalization.CultureInfo.InvariantCulture) * Math.PI / 180);
            Assert.Equal(expected, match.Similarity, 4);
            Assert.Equal(1f - match.Distance, match.Similarity);
        }

        Assert.Null(result.Certificate);
    }

    [Fact]
    public void Retrieve_AppliesRewardOutcomeSessionAndTimeFilters()
    {
        using var h = new MemoryHarness();
        var episodes = new List<Episode>();

        // 40 near failures with low reward crowd the top of the ranking; the few matches of each filter lie further out,
        // so the over-fetch (4k, then more) must grow to find them.
        for (int i = 0; i < 40; i++)
        {
            episodes.Add(Ep($"near{i:D2}", i * 0.5, reward: 0.1, success: false, session: "s1", ts: 1_000 + i));
        }

        episodes.Add(Ep("far-success-a", 50, reward: 0.9, success: true, session: "s2", ts: 5_000));
        episodes.Add(Ep("far-success-b", 60, reward: 0.7, success: true, session: "s1", ts: 6_000));
        episodes.Add(Ep("far-success-c", 70, reward: 0.3, success: true, session: "s2", ts: 7_000));
        h.Reflexion.StoreEpisodes(episodes);
        float[] query = MemoryHarness.Angle(0);

        Assert.Equal(["far-success-a", "far-success-b"], Ids(h.Reflexion.RetrieveRelevant(query, new EpisodeRetrievalOptions { K = 2, MinReward = 0.5 })));
        Assert.Equal(["far-success-a", "far-success-b", "far-success-c"], Ids(h.Reflexion.RetrieveRelevant(query, new EpisodeRetrievalOptions { K = 5, Outcome = EpisodeOutcome.SuccessesOnly })));
        Assert.Equal(["near00", "near01"], Ids(h.Reflexion.RetrieveRelevant(query, new EpisodeRetrievalOptions { K = 2, Outcome = EpisodeOutcome.FailuresOnly })));
        Assert.Equal(["far-success-a", "far-success-c"], Ids(h.Reflexion.RetrieveRelevant(query, new EpisodeRetrievalOptions { K = 5, SessionId = "s2" })));
        Assert.Empty(h.Reflexion.RetrieveRelevant(query, new EpisodeRetrievalOptions { K = 5, SessionId = "nobody" }).Matches);

        // [5,000, 7,000): b and a, not c (the end is exclusive) and none of the near ones.
        Assert.Equal(["far-success-a", "far-success-b"], Ids(h.Reflexion.RetrieveRelevant(query, new EpisodeRetrievalOptions { K = 10, FromUnixMs = 5_000, ToUnixMs = 7_000 })));
        Assert.Equal(["near38", "near39"], Ids(h.Reflexion.RetrieveRelevant(query, new EpisodeRetrievalOptions { K = 10, FromUnixMs = 1_038, ToUnixMs = 5_000 })));

        // Filters combine.
        Assert.Equal(["far-success-b"], Ids(h.Reflexion.RetrieveRelevant(query, new EpisodeRetrievalOptions
        {
            K = 10, SessionId = "s1", Outcome = EpisodeOutcome.SuccessesOnly, MinReward = 0.5, FromUnixMs = 2_000,
        })));
    }

    [Fact]
    public void Retrieve_ByTextEmbedsTheQuery()
    {
        using var h = new MemoryHarness();
        h.Reflexion.StoreEpisode(new Episode { Task = "parse the csv file", Reward = 1, Success = true });
        h.Reflexion.StoreEpisode(new Episode { Task = "deploy the web server", Reward = 1, Success = true });

        EpisodeRetrieval result = h.Reflexion.RetrieveRelevant("parse the csv file", new EpisodeRetrievalOptions { K = 1 });

        Assert.Equal("parse the csv file", Assert.Single(result.Matches).Episode.Task);
        Assert.Equal(1f, result.Matches[0].Similarity, 4);
    }

    [Fact]
    public void TaskStats_CountsAveragesAndTrendInTimeOrder()
    {
        using var h = new MemoryHarness();

        // Stored out of time order, interleaved with another task and a task that differs only by case.
        h.Reflexion.StoreEpisodes(
        [
            new Episode { Task = "t", Reward = 0.8, Success = true, LatencyMs = 40, TimestampUnixMs = 4_000, Vector = MemoryHarness.Angle(1) },
            new Episode { Task = "other", Reward = 5, Success = true, LatencyMs = 999, TimestampUnixMs = 1_500, Vector = MemoryHarness.Angle(1) },
            new Episode { Task = "t", Reward = 0.2, Success = false, LatencyMs = 10, TimestampUnixMs = 1_000, Vector = MemoryHarness.Angle(1) },
            new Episode { Task = "T", Reward = -3, Success = false, LatencyMs = 999, TimestampUnixMs = 2_500, Vector = MemoryHarness.Angle(1) },
            new Episode { Task = "t", Reward = 0.6, Success = true, LatencyMs = 30, TimestampUnixMs = 3_000, Vector = MemoryHarness.Angle(1) },
            new Episode { Task = "t", Reward = 0.4, Success = false, LatencyMs = 20, TimestampUnixMs = 2_000, Vector = MemoryHarness.Angle(1) },
        ]);

        TaskStats stats = h.Reflexion.GetTaskStats("t");

        Assert.Equal(4, stats.Attempts);
        Assert.Equal(2, stats.Successes);
        Assert.Equal(0.5, stats.SuccessRate, 12);
        Assert.Equal(0.5, stats.AverageReward, 12);
        Assert.Equal(25, stats.AverageLatencyMs, 12);
        Assert.Equal(0.2, stats.RewardTrend, 12); // rewards 0.2, 0.4, 0.6, 0.8 in time order
        Assert.Equal(1_000, stats.FirstUnixMs);
        Assert.Equal(4_000, stats.LastUnixMs);

        // A declining series has a negative slope: 3, 1, 2 → slope of least squares = (−1 + 0) … = −0.5.
        h.Reflexion.StoreEpisodes(
        [
            new Episode { Task = "d", Reward = 3, TimestampUnixMs = 1, Vector = MemoryHarness.Angle(1) },
            new Episode { Task = "d", Reward = 1, TimestampUnixMs = 2, Vector = MemoryHarness.Angle(1) },
            new Episode { Task = "d", Reward = 2, TimestampUnixMs = 3, Vector = MemoryHarness.Angle(1) },
        ]);
        Assert.Equal(-0.5, h.Reflexion.GetTaskStats("d").RewardTrend, 12);

        TaskStats none = h.Reflexion.GetTaskStats("never attempted");
        Assert.Equal(0, none.Attempts);
        Assert.Equal(0, none.RewardTrend);
        Assert.Equal(1, h.Reflexion.GetTaskStats("T").Attempts);
    }

    [Fact]
    public void CritiqueSummary_GivesBestAndWorstWithoutOverlap()
    {
        using var h = new MemoryHarness();
        h.Reflexion.StoreEpisodes(
        [
            Ep("a", 1, reward: 0.9, success: true, ts: 1, critique: "great"),
            Ep("b", 1, reward: 0.1, success: false, ts: 2, critique: "bad"),
            Ep("c", 1, reward: 0.5, success: true, ts: 3, critique: null),
            Ep("d", 1, reward: 0.1, success: false, ts: 4, critique: "also bad, newer"),
            Ep("e", 1, reward: 0.7, success: true, ts: 5, critique: "good"),
            Ep("x", 1, reward: 1.0, success: true, ts: 6, critique: "other task", task: "another"),
        ]);

        CritiqueSummary two = h.Reflexion.SummarizeCritiques("solve it", 2);
        Assert.Equal(5, two.Attempts);
        Assert.Equal(3, two.Successes);
        Assert.Equal(2, two.Failures);
        Assert.Equal(4, two.WithCritique);
        Assert.Equal(["a", "e"], two.Best.Select(c => c.EpisodeId));
        Assert.Equal(["great", "good"], two.Best.Select(c => c.Critique));
        Assert.Equal(["d", "b"], two.Worst.Select(c => c.EpisodeId)); // tie at 0.1: newer first
        Assert.Equal("also bad, newer", two.Worst[0].Critique);

        CritiqueSummary three = h.Reflexion.SummarizeCritiques("solve it", 3);
        Assert.Equal(["a", "e", "c"], three.Best.Select(c => c.EpisodeId));
        Assert.Null(three.Best[2].Critique);
        Assert.Equal(["d", "b"], three.Worst.Select(c => c.EpisodeId)); // only two left

        Assert.Empty(h.Reflexion.SummarizeCritiques("nothing", 2).Best);
    }

    [Fact]
    public void BatchedAndSingleStores_WriteTheSameRecords()
    {
        using var batched = new MemoryHarness();
        using var single = new MemoryHarness();
        var episodes = new List<Episode>();
        for (int i = 0; i < 20; i++)
        {
            episodes.Add(new Episode
            {
                Id = $"ep-{i:D2}",
                SessionId = i % 2 == 0 ? "even" : null,
                Task = $"task number {i % 4}",
                Input = "in " + i,
                Output = "out " + i,
                Critique = i % 3 == 0 ? null : "critique " + i,
                Reward = i / 20.0,
                Success = i % 3 != 0,
                LatencyMs = i * 7,
                TokensUsed = i * 100,
                Tags = i % 2 == 0 ? ["a", "b"] : [],
                Metadata = new Dictionary<string, string> { ["k"] = "v" + i },
                TimestampUnixMs = 10_000 + i,
                Vector = i % 5 == 0 ? MemoryHarness.Angle(i) : default, // most embedded, some given
            });
        }

        IReadOnlyList<string> batchIds = batched.Reflexion.StoreEpisodes(episodes);
        foreach (Episode episode in episodes)
        {
            single.Reflexion.StoreEpisode(episode);
        }

        Assert.Equal(1, batched.Embedder.BatchCalls);
        Assert.Equal(0, batched.Embedder.EmbedCalls);
        Assert.Equal(16, single.Embedder.EmbedCalls);
        Assert.Equal(episodes.Select(e => e.Id), batchIds);
        foreach (Episode episode in episodes)
        {
            StoredRecord a = batched.Stores.Store(MemoryKind.Reflexion).Get(ReflexionMemory.Collection, episode.Id!)!;
            StoredRecord b = single.Stores.Store(MemoryKind.Reflexion).Get(ReflexionMemory.Collection, episode.Id!)!;
            Assert.Equal(a.Payload, b.Payload);
            Assert.Equal(a.Vector, b.Vector);
            AssertSameEpisode(episode, batched.Reflexion.GetEpisode(episode.Id!)!);
        }

        Assert.Equal(
            batched.Stores.Store(MemoryKind.Reflexion).Count(ReflexionMemory.TaskIndexCollection),
            single.Stores.Store(MemoryKind.Reflexion).Count(ReflexionMemory.TaskIndexCollection));
        Assert.Equal(batched.Reflexion.GetTaskStats("task number 1"), single.Reflexion.GetTaskStats("task number 1"));
    }

    private static void AssertSameEpisode(Episode expected, Episode actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.SessionId, actual.SessionId);
        Assert.Equal(expected.Task, actual.Task);
        Assert.Equal(expected.Input, actual.Input);
        Assert.Equal(expected.Output, actual.Output);
        Assert.Equal(expected.Critique, actual.Critique);
        Assert.Equal(expected.Reward, actual.Reward);
        Assert.Equal(expected.Success, actual.Success);
        Assert.Equal(expected.LatencyMs, actual.LatencyMs);
        Assert.Equal(expected.TokensUsed, actual.TokensUsed);
        Assert.Equal(expected.Tags, actual.Tags);
        Assert.Equal(expected.Metadata.OrderBy(p => p.Key), actual.Metadata.OrderBy(p => p.Key));
        Assert.Equal(expected.TimestampUnixMs, actual.TimestampUnixMs);
        Assert.Equal(MemoryHarness.Dimension, actual.Vector.Length);
        if (!expected.Vector.IsEmpty)
        {
            Assert.Equal(expected.Vector.ToArray(), actual.Vector.ToArray());
        }
    }

    [Fact]
    public void GeneratedIds_AreUniqueAndTimeOrdered()
    {
        using var h = new MemoryHarness();
        var episodes = new List<Episode>();
        for (int i = 0; i < 500; i++)
        {
            episodes.Add(new Episode { Task = "same", Vector = MemoryHarness.Angle(3) });
        }

        IReadOnlyList<string> ids = h.Reflexion.StoreEpisodes(episodes);
        Assert.Equal(500, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{40}$", id));
        Assert.All(ids, id => Assert.Equal(ids[0][..16], id[..16])); // the task's hash
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids); // time (and counter) order within the task
        long first = Convert.ToInt64(ids[0][16..32], 16);
        Assert.InRange(first, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.Equal(500, h.Reflexion.GetTaskStats("same").Attempts);
    }

    [Fact]
    public void Certificate_VerifiesAndFailsAfterTampering()
    {
        using var h = new MemoryHarness(sharded: true);
        h.Reflexion.StoreEpisodes([Ep("a", 0, session: "s1"), Ep("b", 5, session: "s2"), Ep("c", 10, session: "s3"), Ep("d", 50, session: "s4")]);

        EpisodeRetrieval result = h.Reflexion.RetrieveRelevant(MemoryHarness.Angle(0), new EpisodeRetrievalOptions { K = 3, WithCertificate = true });
        RecallCertificate certificate = Assert.IsType<RecallCertificate>(result.Certificate);
        Assert.Equal(Ids(result), certificate.Items.Select(i => i.Id));
        Assert.Equal(result.Matches.Select(m => m.Shard), certificate.Items.Select(i => i.Shard));
        Assert.True(certificate.Verify(h.Stores).IsValid);

        // Tamper: rewrite b's payload (reward changed) directly in its store, keeping the vector.
        EpisodeMatch b = result.Matches.Single(m => m.Episode.Id == "b");
        AgentDatabase store = h.Stores.Shard(MemoryKind.Reflexion, b.Shard);
        StoredRecord original = store.Get(ReflexionMemory.Collection, "b")!;
        var payload = MessagePackSerializer.Deserialize<Dictionary<string, object?>>(original.Payload);
        payload["reward"] = 99.0;
        store.Upsert(ReflexionMemory.Collection, "b", MessagePackSerializer.Serialize(payload), original.Vector);

        CertificateVerification verification = certificate.Verify(h.Stores);
        Assert.False(verification.IsValid);
        Assert.Contains(verification.Problems, p => p.Contains("/b:", StringComparison.Ordinal) && p.Contains("changed", StringComparison.Ordinal));
    }

    [Fact]
    public void Retrieval_AfterAStore_SeesTheNewEpisode()
    {
        using var h = new MemoryHarness();
        h.Reflexion.StoreEpisode(Ep("old", 30));
        float[] query = MemoryHarness.Angle(0);
        var options = new EpisodeRetrievalOptions { K = 1 };

        Assert.Equal(["old"], Ids(h.Reflexion.RetrieveRelevant(query, options)));
        Assert.Equal(["old"], Ids(h.Reflexion.RetrieveRelevant(query, options)));
        Assert.Equal(1, h.Cache.Hits); // the repeat came from the cache

        h.Reflexion.StoreEpisode(Ep("new", 1));
        Assert.Equal(["new"], Ids(h.Reflexion.RetrieveRelevant(query, options)));

        // Statistics are cached too, and invalidated the same way.
        Assert.Equal(2, h.Reflexion.GetTaskStats("solve it").Attempts);
        h.Reflexion.StoreEpisodes([Ep("newer", 2)]);
        Assert.Equal(3, h.Reflexion.GetTaskStats("solve it").Attempts);
    }

    [Fact]
    public void ShardedAndUnsharded_GiveTheSameAnswers()
    {
        using var flat = new MemoryHarness();
        using var sharded = new MemoryHarness(sharded: true);
        var random = new Random(7);
        var episodes = new List<Episode>();
        for (int i = 0; i < 120; i++)
        {
            var vector = new float[MemoryHarness.Dimension];
            for (int d = 0; d < vector.Length; d++)
            {
                vector[d] = (float)random.NextDouble() - 0.5f;
            }

            episodes.Add(new Episode
            {
                Id = $"e{i:D3}",
                SessionId = "session-" + (i % 7),
                Task = "task " + (i % 5),
                Reward = Math.Round(random.NextDouble(), 2),
                Success = random.Next(3) > 0,
                LatencyMs = random.Next(1000),
                TimestampUnixMs = 1_000 + random.Next(10_000),
                Critique = "c" + i,
                Vector = vector,
            });
        }

        flat.Reflexion.StoreEpisodes(episodes);
        sharded.Reflexion.StoreEpisodes(episodes);
        int used = 0;
        for (int s = 0; s < 3; s++)
        {
            used += sharded.Stores.Shard(MemoryKind.Reflexion, s).Count(ReflexionMemory.Collection) > 0 ? 1 : 0;
        }

        Assert.Equal(3, used); // the sessions really are spread over the shards

        EpisodeRetrievalOptions[] queries =
        [
            new() { K = 10 },
            new() { K = 7, MinReward = 0.5 },
            new() { K = 5, Outcome = EpisodeOutcome.FailuresOnly },
            new() { K = 5, SessionId = "session-3", WithCertificate = true },
            new() { K = 20, FromUnixMs = 3_000, ToUnixMs = 6_000, Outcome = EpisodeOutcome.SuccessesOnly },
        ];
        foreach (EpisodeRetrievalOptions options in queries)
        {
            for (int q = 0; q < 5; q++)
            {
                ReadOnlyMemory<float> query = episodes[q * 11].Vector;
                EpisodeRetrieval a = flat.Reflexion.RetrieveRelevant(query, options);
                EpisodeRetrieval b = sharded.Reflexion.RetrieveRelevant(query, options);
                Assert.NotEmpty(a.Matches);
                Assert.Equal(Ids(a), Ids(b));
                Assert.Equal(a.Matches.Select(m => m.Distance), b.Matches.Select(m => m.Distance));
                if (options.WithCertificate)
                {
                    Assert.True(b.Certificate!.Verify(sharded.Stores).IsValid);
                }
            }
        }

        for (int t = 0; t < 5; t++)
        {
            Assert.Equal(flat.Reflexion.GetTaskStats("task " + t), sharded.Reflexion.GetTaskStats("task " + t));
            CritiqueSummary a = flat.Reflexion.SummarizeCritiques("task " + t, 3);
            CritiqueSummary b = sharded.Reflexion.SummarizeCritiques("task " + t, 3);
            Assert.Equal(a.Best, b.Best);
            Assert.Equal(a.Worst, b.Worst);
            Assert.Equal(a.Attempts, b.Attempts);
        }
    }

    [Fact]
    public void GeneratedIds_WriteNoTaskIndexRecord_AndCallerIdsDo()
    {
        using var h = new MemoryHarness(sharded: true);
        IReadOnlyList<string> generated = h.Reflexion.StoreEpisodes(
        [
            new Episode { Task = "t", SessionId = "a", Reward = 0.2, TimestampUnixMs = 1, Vector = MemoryHarness.Angle(1) },
            new Episode { Task = "t", SessionId = "b", Reward = 0.4, TimestampUnixMs = 2, Vector = MemoryHarness.Angle(2) },
            new Episode { Task = "u", SessionId = "c", Reward = 9, TimestampUnixMs = 3, Vector = MemoryHarness.Angle(3) },
        ]);
        h.Reflexion.StoreEpisode(Ep("caller-1", 4, reward: 0.6, ts: 3, task: "t", session: "d"));

        long indexRecords = 0;
        for (int s = 0; s < h.Stores.ShardCount(MemoryKind.Reflexion); s++)
        {
            indexRecords += h.Stores.Shard(MemoryKind.Reflexion, s).Count(ReflexionMemory.TaskIndexCollection);
        }

        Assert.Equal(1, indexRecords); // only the caller id's
        TaskStats stats = h.Reflexion.GetTaskStats("t");
        Assert.Equal(3, stats.Attempts); // two generated, one caller id: each counted once
        Assert.Equal(0.4, stats.AverageReward, 12);
        Assert.Equal(0.2, stats.RewardTrend, 12);
        Assert.Equal(1, h.Reflexion.GetTaskStats("u").Attempts);
        Assert.Equal(["caller-1", generated[1], generated[0]], h.Reflexion.SummarizeCritiques("t", 3).Best.Select(c => c.EpisodeId));
    }

    [Fact]
    public void ReStoringAGeneratedIdUnderAnotherTask_MovesItBetweenTheTasksStatistics()
    {
        using var h = new MemoryHarness(sharded: true);
        string id = h.Reflexion.StoreEpisode(new Episode { Task = "first", SessionId = "s1", Reward = 0.1, Vector = MemoryHarness.Angle(0) });
        Episode stored = h.Reflexion.GetEpisode(id)!;

        // The id now names an episode of another task (and session): it leaves "first" and joins "second" exactly once.
        h.Reflexion.StoreEpisode(stored with { Task = "second", SessionId = "s-elsewhere", Reward = 0.7 });
        Assert.Equal(0, h.Reflexion.GetTaskStats("first").Attempts);
        Assert.Equal(1, h.Reflexion.GetTaskStats("second").Attempts);
        Assert.Equal(0.7, h.Reflexion.GetTaskStats("second").AverageReward);

        // And back: no task-index record for "second" stays behind.
        h.Reflexion.StoreEpisode(stored with { Reward = 0.3 });
        Assert.Equal(0, h.Reflexion.GetTaskStats("second").Attempts);
        Assert.Equal(1, h.Reflexion.GetTaskStats("first").Attempts);
        Assert.Equal(0.3, h.Reflexion.GetTaskStats("first").AverageReward);
        long indexRecords = 0;
        for (int s = 0; s < h.Stores.ShardCount(MemoryKind.Reflexion); s++)
        {
            indexRecords += h.Stores.Shard(MemoryKind.Reflexion, s).Count(ReflexionMemory.TaskIndexCollection);
        }

        Assert.Equal(0, indexRecords);
        Assert.Single(h.Reflexion.RetrieveRelevant(MemoryHarness.Angle(0), new EpisodeRetrievalOptions { K = 10 }).Matches);
    }

    [Fact]
    public void Ef_IsPartOfTheCacheKey_AndGivesTheExactAnswerOnTheExactTier()
    {
        using var h = new MemoryHarness();
        h.Reflexion.StoreEpisodes([Ep("a", 0), Ep("b", 10), Ep("c", 20)]);
        float[] query = MemoryHarness.Angle(1);

        EpisodeRetrieval narrow = h.Reflexion.RetrieveRelevant(query, new EpisodeRetrievalOptions { K = 2, Ef = 2 });
        EpisodeRetrieval wide = h.Reflexion.RetrieveRelevant(query, new EpisodeRetrievalOptions { K = 2, Ef = 500 });
        EpisodeRetrieval again = h.Reflexion.RetrieveRelevant(query, new EpisodeRetrievalOptions { K = 2, Ef = 2 });

        Assert.Equal(["a", "b"], Ids(narrow));
        Assert.Equal(["a", "b"], Ids(wide));
        Assert.NotSame(narrow, wide); // another beam is another query
        Assert.Same(narrow, again);
        Assert.Equal(2, h.Cache.Misses);
    }

    [Fact]
    public void IncludeVectorsFalse_ReturnsTheSameEpisodesWithoutVectors()
    {
        using var h = new MemoryHarness();
        h.Reflexion.StoreEpisodes([Ep("a", 0, critique: "c"), Ep("b", 10)]);
        float[] query = MemoryHarness.Angle(1);

        EpisodeRetrieval with = h.Reflexion.RetrieveRelevant(query, new EpisodeRetrievalOptions { K = 2, WithCertificate = true });
        EpisodeRetrieval without = h.Reflexion.RetrieveRelevant(query, new EpisodeRetrievalOptions { K = 2, WithCertificate = true, IncludeVectors = false });

        Assert.Equal(Ids(with), Ids(without));
        Assert.All(with.Matches, m => Assert.Equal(MemoryHarness.Dimension, m.Episode.Vector.Length));
        Assert.All(without.Matches, m => Assert.True(m.Episode.Vector.IsEmpty));
        Assert.Equal("c", without.Matches[0].Episode.Critique);
        Assert.Equal(with.Matches[0].Episode.TimestampUnixMs, without.Matches[0].Episode.TimestampUnixMs);
        Assert.Equal(with.Matches[1].Distance, without.Matches[1].Distance);
        Assert.True(without.Certificate!.Verify(h.Stores).IsValid); // the certificate still covers the stored records, vectors included
        Assert.Equal(with.Certificate!.MerkleRootHex, without.Certificate.MerkleRootHex);
    }

    [Fact]
    public void ReplacingAnEpisode_MovesItsTaskIndexEntry()
    {
        using var h = new MemoryHarness(sharded: true);
        h.Reflexion.StoreEpisode(Ep("same-id", 0, reward: 0.1, task: "first task", session: "s1"));
        Assert.Equal(1, h.Reflexion.GetTaskStats("first task").Attempts);

        // Same id, another task and another session (another shard, most likely): the old records go.
        h.Reflexion.StoreEpisode(Ep("same-id", 0, reward: 0.9, task: "second task", session: "s-elsewhere"));
        Assert.Equal(0, h.Reflexion.GetTaskStats("first task").Attempts);
        Assert.Equal(0.9, h.Reflexion.GetTaskStats("second task").AverageReward);
        Assert.Single(h.Reflexion.RetrieveRelevant(MemoryHarness.Angle(0), new EpisodeRetrievalOptions { K = 10 }).Matches);
        Assert.Equal("s-elsewhere", h.Reflexion.GetEpisode("same-id")!.SessionId);
    }

    [Fact]
    public void BadInput_IsRefusedWithClearErrors()
    {
        using var h = new MemoryHarness();
        float[] good = MemoryHarness.Angle(0);
        Assert.Throws<ArgumentException>(() => h.Reflexion.StoreEpisode(new Episode { Task = "" }));
        Assert.Throws<ArgumentException>(() => h.Reflexion.StoreEpisode(new Episode { Task = "t", Reward = double.NaN }));
        Assert.Throws<ArgumentException>(() => h.Reflexion.StoreEpisode(new Episode { Task = "t", Reward = double.PositiveInfinity }));
        Assert.Throws<ArgumentException>(() => h.Reflexion.StoreEpisode(new Episode { Task = "t", LatencyMs = -1 }));
        Assert.Throws<ArgumentException>(() => h.Reflexion.StoreEpisode(new Episode { Task = "t", TokensUsed = -1 }));
        Assert.Throws<ArgumentException>(() => h.Reflexion.StoreEpisode(new Episode { Task = "t", SessionId = "" }));
        Assert.Throws<ArgumentException>(() => h.Reflexion.StoreEpisode(new Episode { Task = "t", Id = "" }));
        Assert.Throws<ArgumentException>(() => h.Reflexion.StoreEpisode(new Episode { Task = "t", Id = new string('x', 500) }));
        Assert.Throws<ArgumentException>(() => h.Reflexion.StoreEpisode(new Episode { Task = "t", TimestampUnixMs = -5 }));
        Assert.Throws<ArgumentException>(() => h.Reflexion.StoreEpisode(new Episode { Task = "t", Tags = ["ok", null!] }));
        ArgumentException dimension = Assert.Throws<ArgumentException>(() => h.Reflexion.StoreEpisode(new Episode { Task = "t", Vector = new float[3] }));
        Assert.Contains("3 dimensions", dimension.Message, StringComparison.Ordinal);
        var nan = (float[])good.Clone();
        nan[2] = float.NaN;
        Assert.Throws<ArgumentException>(() => h.Reflexion.StoreEpisode(new Episode { Task = "t", Vector = nan }));

        // A batch with one bad episode or two equal ids writes nothing.
        Assert.Throws<ArgumentException>(() => h.Reflexion.StoreEpisodes([new Episode { Task = "ok", Vector = good }, new Episode { Task = "t", Reward = double.NaN }]));
        Assert.Throws<ArgumentException>(() => h.Reflexion.StoreEpisodes([new Episode { Id = "x", Task = "ok", Vector = good }, new Episode { Id = "x", Task = "ok", Vector = good }]));
        Assert.Equal(0, h.Stores.Store(MemoryKind.Reflexion).Count(ReflexionMemory.Collection));

        Assert.Throws<ArgumentOutOfRangeException>(() => h.Reflexion.RetrieveRelevant(good, new EpisodeRetrievalOptions { K = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => h.Reflexion.RetrieveRelevant(good, new EpisodeRetrievalOptions { K = AgentDatabase.MaxSearchResults + 1 }));
        Assert.Throws<ArgumentException>(() => h.Reflexion.RetrieveRelevant(good, new EpisodeRetrievalOptions { MinReward = double.NaN }));
        Assert.Throws<ArgumentException>(() => h.Reflexion.RetrieveRelevant(good, new EpisodeRetrievalOptions { SessionId = "" }));
        Assert.Throws<ArgumentException>(() => h.Reflexion.RetrieveRelevant(good, new EpisodeRetrievalOptions { FromUnixMs = 10, ToUnixMs = 10 }));
        Assert.Throws<ArgumentException>(() => h.Reflexion.RetrieveRelevant(good, new EpisodeRetrievalOptions { Outcome = (EpisodeOutcome)7 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => h.Reflexion.RetrieveRelevant(good, new EpisodeRetrievalOptions { Ef = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => h.Reflexion.RetrieveRelevant(good, new EpisodeRetrievalOptions { Ef = AgentDatabase.MaxSearchEf + 1 }));
        Assert.Throws<ArgumentException>(() => h.Reflexion.RetrieveRelevant(new float[4]));
        Assert.Throws<ArgumentException>(() => h.Reflexion.RetrieveRelevant(ReadOnlyMemory<float>.Empty));
        Assert.Throws<ArgumentException>(() => h.Reflexion.RetrieveRelevant(""));
        Assert.Throws<ArgumentException>(() => h.Reflexion.GetTaskStats(""));
        Assert.Throws<ArgumentOutOfRangeException>(() => h.Reflexion.SummarizeCritiques("t", 0));
        Assert.Throws<ArgumentException>(() => h.Reflexion.GetEpisode(""));
        Assert.Null(h.Reflexion.GetEpisode("missing"));
    }

    [Fact]
    public void AReopenedMemory_ReadsWhatWasStored()
    {
        using var dir = new AgentDb.Engine.Tests.Support.TempDirectory("agentdb-mem");
        var layout = new MemoryStoreLayout { Functional = true, SessionShards = 3 };
        using (MemoryStores stores = MemoryStores.Open(dir.Path, layout, "stub", MemoryHarness.Dimension))
        {
            var memory = new ReflexionMemory(new MemoryContext(stores, new Support.StubEmbedder(MemoryHarness.Dimension), new QueryCache()));
            memory.StoreEpisodes([Ep("a", 0, session: "x"), Ep("b", 10, session: "y")]);
            memory.StoreEpisodes([new Episode { Task = "solve it", SessionId = "z", Reward = 1, Vector = MemoryHarness.Angle(90) }]);
        }

        using (MemoryStores stores = MemoryStores.Open(dir.Path, layout, "stub", MemoryHarness.Dimension))
        {
            var memory = new ReflexionMemory(new MemoryContext(stores, new Support.StubEmbedder(MemoryHarness.Dimension), new QueryCache()));
            Assert.Equal(["a", "b"], Ids(memory.RetrieveRelevant(MemoryHarness.Angle(0), new EpisodeRetrievalOptions { K = 2 })));
            Assert.Equal(3, memory.GetTaskStats("solve it").Attempts); // two caller ids, one generated
            Assert.Equal((0.5 + 0.5 + 1) / 3, memory.GetTaskStats("solve it").AverageReward, 12);
        }
    }
}
