using AgentDb.Memory.Causal;
using AgentDb.Memory.Provenance;
using AgentDb.Memory.Reflexion;
using AgentDb.Memory.Stores;
using AgentDb.Memory.Tests.Support;

namespace AgentDb.Memory.Tests.Causal;

public sealed class CausalRecallTests
{
    // Similarity to the query (axis 0) and best uplift: A 0.95 / none, B 0.8 / 0.1, C 0.6 / 0.5 (0.4 to "other"), D 0.3 / 0.9 (−0.5 to "other").
    private static void AddHandMadeSet(CausalFixture f)
    {
        f.AddEpisode("A", "s1", CausalFixture.WithSimilarity(0.95, 1));
        f.AddEpisode("B", "s2", CausalFixture.WithSimilarity(0.80, 2));
        f.AddEpisode("C", "s3", CausalFixture.WithSimilarity(0.60, 3));
        f.AddEpisode("D", "s4", CausalFixture.WithSimilarity(0.30, 4));
        f.Causal.AddEdge("B", "success", "m", 0.1, 0.9);
        f.Causal.AddEdge("C", "success", "m", 0.5, 0.9);
        f.Causal.AddEdge("C", "other", "m", 0.4, 0.9);
        f.Causal.AddEdge("D", "success", "m", 0.9, 0.4);
        f.Causal.AddEdge("D", "other", "m", -0.5, 0.99);
    }

    [Fact]
    public void OrderFollowsTheWeights()
    {
        using var f = new CausalFixture();
        AddHandMadeSet(f);
        float[] query = CausalFixture.Axis(0);

        CausalRecallResult similarityOnly = f.Causal.CausalRecall(query, new CausalRecallOptions { K = 4, SimilarityWeight = 1, UpliftWeight = 0 });
        Assert.Equal(["A", "B", "C", "D"], Ids(similarityOnly));
        Assert.Equal(4, similarityOnly.Candidates);

        CausalRecallResult upliftOnly = f.Causal.CausalRecall(query, new CausalRecallOptions { K = 4, SimilarityWeight = 0, UpliftWeight = 1 });
        Assert.Equal(["D", "C", "B", "A"], Ids(upliftOnly));

        CausalRecallResult both = f.Causal.CausalRecall(query, new CausalRecallOptions { K = 4, SimilarityWeight = 1, UpliftWeight = 1 });
        Assert.Equal(["D", "C", "A", "B"], Ids(both)); // 1.2, 1.1, 0.95, 0.9
        CausalRecallItem d = both.Items[0];
        Assert.Equal(0.3, d.Similarity, 5);
        Assert.Equal(0.9, d.Uplift, 12);
        Assert.Equal(1.2, d.Score, 5);
        Assert.Equal("success", d.SupportingEdge!.To);
        CausalRecallItem a = both.Items[2];
        Assert.Equal(0, a.Uplift);
        Assert.Null(a.SupportingEdge);
        Assert.False(a.Payload.IsEmpty);

        CausalRecallResult top2 = f.Causal.CausalRecall(query, new CausalRecallOptions { K = 2, SimilarityWeight = 1, UpliftWeight = 1, CandidateFactor = 2 });
        Assert.Equal(["D", "C"], Ids(top2));
    }

    [Fact]
    public void ConfidenceAndTargetChooseWhichEdgesCount()
    {
        using var f = new CausalFixture();
        AddHandMadeSet(f);
        float[] query = CausalFixture.Axis(0);

        // D's 0.9 edge has confidence 0.4: at 0.5 only its −0.5 edge counts, so it sinks below A.
        CausalRecallResult confident = f.Causal.CausalRecall(query, new CausalRecallOptions { K = 4, UpliftWeight = 1, MinConfidence = 0.5 });
        Assert.Equal(["C", "A", "B", "D"], Ids(confident));
        Assert.Equal(-0.5, confident.Items[3].Uplift, 12);

        // Towards "other": C has 0.4, D −0.5, B none.
        CausalRecallResult other = f.Causal.CausalRecall(query, new CausalRecallOptions { K = 4, UpliftWeight = 1, Target = "other" });
        Assert.Equal(["C", "A", "B", "D"], Ids(other));
        Assert.Equal(0.4, other.Items[0].Uplift, 12);
        Assert.Null(other.Items[2].SupportingEdge);
    }

    [Fact]
    public void TextQueriesAreEmbedded()
    {
        using var f = new CausalFixture();
        var embedder = new StubEmbedder(CausalFixture.Dimension);
        var vector = new float[CausalFixture.Dimension];
        embedder.Embed("deploy failed rollback", vector);
        f.AddEpisode("match", "s", vector);
        f.AddEpisode("far", "s", CausalFixture.Axis(0));
        Assert.True(vector[0] < 0.99f, "the stub embedded the text onto axis 0; pick another text");
        CausalRecallResult result = f.Causal.CausalRecall("deploy failed rollback", new CausalRecallOptions { K = 1 });
        Assert.Equal("match", Assert.Single(result.Items).MemoryId);
        Assert.Equal(1.0, result.Items[0].Similarity, 5);
    }

    [Fact]
    public void ANewEdgeInvalidatesACachedRecall()
    {
        using var f = new CausalFixture();
        AddHandMadeSet(f);
        float[] query = CausalFixture.Axis(0);
        var options = new CausalRecallOptions { K = 4, UpliftWeight = 1 };
        CausalRecallResult first = f.Causal.CausalRecall(query, options);
        Assert.Same(first, f.Causal.CausalRecall(query, options));

        f.Causal.AddEdge("B", "success", "m2", 2.0, 0.9);
        CausalRecallResult after = f.Causal.CausalRecall(query, options);
        Assert.NotSame(first, after);
        Assert.Equal("B", after.Items[0].MemoryId);
        Assert.Equal(2.0, after.Items[0].Uplift, 12);
    }

    [Fact]
    public void CertificateCoversEpisodesAndSupportingEdgesAndFailsAfterTampering()
    {
        using var f = new CausalFixture(new MemoryStoreLayout { Functional = true, SessionShards = 3 });
        AddHandMadeSet(f);
        CausalRecallResult result = f.Causal.CausalRecall(CausalFixture.Axis(0), new CausalRecallOptions { K = 4, UpliftWeight = 1, WithCertificate = true });
        RecallCertificate certificate = result.Certificate!;

        // D, its edge, C, its edge, A (no edge), B, its edge.
        Assert.Equal(7, certificate.Items.Count);
        Assert.Equal((MemoryKind.Reflexion, CausalMemory.EpisodesCollection, "D"), (certificate.Items[0].Kind, certificate.Items[0].Collection, certificate.Items[0].Id));
        Assert.Equal(result.Items[0].Shard, certificate.Items[0].Shard);
        Assert.Equal((MemoryKind.Causal, CausalMemory.OutgoingCollection), (certificate.Items[1].Kind, certificate.Items[1].Collection));
        Assert.Equal(MemoryKind.Reflexion, certificate.Items[4].Kind);
        Assert.True(certificate.Verify(f.Stores).IsValid);

        // Rewrite episode A's payload behind the certificate's back.
        f.AddEpisode("A", "s1", CausalFixture.WithSimilarity(0.95, 1), "edited text");
        CertificateVerification tampered = certificate.Verify(f.Stores);
        Assert.False(tampered.IsValid);
        Assert.Contains(tampered.Problems, p => p.Contains("/A:", StringComparison.Ordinal));
    }

    [Fact]
    public void ShardedAndUnshardedStoresGiveTheSameAnswers()
    {
        using var flat = new CausalFixture();
        using var sharded = new CausalFixture(new MemoryStoreLayout { Functional = true, SessionShards = 3 });
        var shardsUsed = new HashSet<int>();
        foreach (CausalFixture f in new[] { flat, sharded })
        {
            var random = new Random(7);
            for (int i = 0; i < 60; i++)
            {
                var vector = new float[CausalFixture.Dimension];
                for (int d = 0; d < vector.Length; d++)
                {
                    vector[d] = (float)((random.NextDouble() * 2) - 1);
                }

                int shard = f.AddEpisode("ep" + i, "session-" + (i % 7), vector);
                if (ReferenceEquals(f, sharded))
                {
                    shardsUsed.Add(shard);
                }
            }

            var writes = new MemoryWriteSet();
            var seen = new HashSet<(int, int)>();
            for (int e = 0; e < 150; e++)
            {
                int from = random.Next(60);
                int to = random.Next(64); // 60..63: outcomes that are not episodes
                if (from == to || !seen.Add((from, to)))
                {
                    continue;
                }

                f.Causal.StageAddEdge(writes, "ep" + from, "ep" + to, "m", Math.Round((random.NextDouble() * 2) - 0.5, 3), Math.Round(random.NextDouble(), 3), random.Next(100), null);
            }

            writes.Commit(f.Cache, requireSingleStore: true);
        }

        Assert.True(shardsUsed.Count > 1, "the episodes all landed in one shard; the comparison would prove nothing");
        var queries = new Random(99);
        for (int q = 0; q < 10; q++)
        {
            var query = new float[CausalFixture.Dimension];
            for (int d = 0; d < query.Length; d++)
            {
                query[d] = (float)((queries.NextDouble() * 2) - 1);
            }

            foreach (var options in new[]
            {
                new CausalRecallOptions { K = 5 },
                new CausalRecallOptions { K = 8, SimilarityWeight = 0.2, UpliftWeight = 1, MinConfidence = 0.3 },
                new CausalRecallOptions { K = 10, UpliftWeight = 2, Target = "ep61", CandidateFactor = 10 },
            })
            {
                CausalRecallResult a = flat.Causal.CausalRecall(query, options);
                CausalRecallResult b = sharded.Causal.CausalRecall(query, options);
                Assert.Equal(a.Candidates, b.Candidates);
                Assert.Equal(a.Items.Count, b.Items.Count);
                for (int i = 0; i < a.Items.Count; i++)
                {
                    Assert.Equal(a.Items[i].MemoryId, b.Items[i].MemoryId);
                    Assert.Equal(a.Items[i].Score, b.Items[i].Score, 6);
                    Assert.Equal(a.Items[i].Uplift, b.Items[i].Uplift);
                    Assert.Equal(a.Items[i].SupportingEdge?.Id, b.Items[i].SupportingEdge?.Id);
                }
            }
        }

        for (int n = 0; n < 64; n += 3)
        {
            Assert.Equal(EdgeIds(flat.Causal.QueryEffects("ep" + n)), EdgeIds(sharded.Causal.QueryEffects("ep" + n)));
            Assert.Equal(EdgeIds(flat.Causal.GetCausesOf("ep" + n, 0.2, 0)), EdgeIds(sharded.Causal.GetCausesOf("ep" + n, 0.2, 0)));
            CausalChain x = flat.Causal.GetCausalChain("ep0", "ep" + n, 4);
            CausalChain y = sharded.Causal.GetCausalChain("ep0", "ep" + n, 4);
            Assert.Equal(x.Found, y.Found);
            Assert.Equal(x.Strength, y.Strength);
            Assert.Equal(EdgeIds(x.Edges), EdgeIds(y.Edges));
        }
    }

    [Fact]
    public void RecallsEpisodesStoredByTheReflexionController()
    {
        using var f = new CausalFixture(new MemoryStoreLayout { Functional = true, SessionShards = 3 });
        var reflexion = new ReflexionMemory(f.Context);
        var ids = new string[6];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = reflexion.StoreEpisode(new Episode
            {
                SessionId = "session-" + i,
                Task = "task " + i,
                Reward = 0.5,
                Vector = CausalFixture.WithSimilarity(0.9 - (i * 0.1), 1 + i),
            });
        }

        f.Causal.AddEdge(ids[5], "goal", "m", 2.0, 1.0); // the least similar episode, with the largest uplift
        CausalRecallResult result = f.Causal.CausalRecall(CausalFixture.Axis(0), new CausalRecallOptions { K = 3, UpliftWeight = 1, WithCertificate = true });
        Assert.Equal([ids[5], ids[0], ids[1]], Ids(result));
        Assert.Equal(f.Stores.ShardOf(MemoryKind.Reflexion, "session-5"), result.Items[0].Shard);
        Assert.Equal(ids[5], reflexion.GetEpisode(result.Items[0].MemoryId)!.Id);
        Assert.True(result.Certificate!.Verify(f.Stores).IsValid);

        // A new episode invalidates a cached recall too (scope Causal | Reflexion).
        var similarOnly = new CausalRecallOptions { K = 3, UpliftWeight = 0 };
        CausalRecallResult before = f.Causal.CausalRecall(CausalFixture.Axis(0), similarOnly);
        Assert.Same(before, f.Causal.CausalRecall(CausalFixture.Axis(0), similarOnly));
        Assert.Equal(ids[0], before.Items[0].MemoryId);
        reflexion.StoreEpisode(new Episode { SessionId = "session-9", Task = "closest", Vector = CausalFixture.Axis(0) });
        CausalRecallResult after = f.Causal.CausalRecall(CausalFixture.Axis(0), similarOnly);
        Assert.Equal("closest", reflexion.GetEpisode(after.Items[0].MemoryId)!.Task);
    }

    [Fact]
    public void NoEpisodesYetMeansNoCandidates()
    {
        using var f = new CausalFixture(new MemoryStoreLayout { SessionShards = 2 });
        f.Causal.AddEdge("a", "b", "m", 1, 1);
        CausalRecallResult result = f.Causal.CausalRecall(CausalFixture.Axis(0));
        Assert.Empty(result.Items);
        Assert.Equal(0, result.Candidates);
    }

    [Fact]
    public void BadRecallQueriesAreRefused()
    {
        using var f = new CausalFixture();
        float[] query = CausalFixture.Axis(0);
        Assert.Throws<ArgumentException>(() => f.Causal.CausalRecall(new float[CausalFixture.Dimension + 1]));
        Assert.Throws<ArgumentException>(() => f.Causal.CausalRecall(ReadOnlyMemory<float>.Empty));
        var nan = (float[])query.Clone();
        nan[3] = float.NaN;
        Assert.Throws<ArgumentException>(() => f.Causal.CausalRecall(nan));
        Assert.Throws<ArgumentException>(() => f.Causal.CausalRecall(null, default, null));
        Assert.Throws<ArgumentNullException>(() => f.Causal.CausalRecall((string)null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Causal.CausalRecall(query, new CausalRecallOptions { K = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Causal.CausalRecall(query, new CausalRecallOptions { K = AgentDatabase.MaxSearchResults + 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Causal.CausalRecall(query, new CausalRecallOptions { SimilarityWeight = -0.1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Causal.CausalRecall(query, new CausalRecallOptions { UpliftWeight = double.NaN }));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Causal.CausalRecall(query, new CausalRecallOptions { UpliftWeight = double.PositiveInfinity }));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Causal.CausalRecall(query, new CausalRecallOptions { MinConfidence = 1.1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Causal.CausalRecall(query, new CausalRecallOptions { CandidateFactor = 0 }));
        Assert.Throws<ArgumentException>(() => f.Causal.CausalRecall(query, new CausalRecallOptions { Target = string.Empty }));
    }

    private static string[] Ids(CausalRecallResult result)
    {
        var ids = new string[result.Items.Count];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = result.Items[i].MemoryId;
        }

        return ids;
    }

    private static string[] EdgeIds(CausalEdgeQueryResult result) => EdgeIds(result.Edges);

    private static string[] EdgeIds(IReadOnlyList<CausalEdge> edges)
    {
        var ids = new string[edges.Count];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = edges[i].Id;
        }

        return ids;
    }
}
