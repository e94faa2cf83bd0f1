using AgentDb.Memory.Causal;
using AgentDb.Memory.Provenance;
using AgentDb.Memory.Stores;

namespace AgentDb.Memory.Tests.Causal;

public sealed class CausalEdgeTests
{
    [Fact]
    public void AddedEdgeReadsBackWithEveryField()
    {
        using var f = new CausalFixture();
        string id = f.Causal.AddEdge("ep-1", "ep-2", "retry with backoff", 0.25, 0.8, 40, ["ep-7", "ep-8"]);

        CausalEdge? edge = f.Causal.GetEdge("ep-1", "ep-2", "retry with backoff");
        Assert.NotNull(edge);
        Assert.Equal(id, edge.Id);
        Assert.Equal(CausalMemory.EdgeId("ep-1", "ep-2", "retry with backoff"), id);
        Assert.Equal(("ep-1", "ep-2", "retry with backoff"), (edge.From, edge.To, edge.Mechanism));
        Assert.Equal(0.25, edge.Uplift);
        Assert.Equal(0.8, edge.Confidence);
        Assert.Equal(40, edge.SampleSize);
        Assert.Equal(["ep-7", "ep-8"], edge.EvidenceIds);
        Assert.Equal(0.2, edge.ExpectedUplift, 12);
        Assert.Null(f.Causal.GetEdge("ep-2", "ep-1", "retry with backoff"));
        Assert.Null(f.Causal.GetEdge("ep-1", "ep-2", "another mechanism"));
    }

    [Fact]
    public void ReAddingTheSameTripleUpdatesTheEdgeAndAnotherMechanismIsAnotherEdge()
    {
        using var f = new CausalFixture();
        string first = f.Causal.AddEdge("a", "b", "m", 0.1, 0.5, 10, ["e1"]);
        CausalEdge before = f.Causal.GetEdge("a", "b", "m")!;
        string second = f.Causal.AddEdge("a", "b", "m", 0.4, 0.9, 20, ["e2", "e3"]);
        Assert.Equal(first, second);

        CausalEdge after = f.Causal.GetEdge("a", "b", "m")!;
        Assert.Equal((0.4, 0.9, 20L), (after.Uplift, after.Confidence, after.SampleSize));
        Assert.Equal(["e2", "e3"], after.EvidenceIds); // replaced, not merged
        Assert.Equal(before.CreatedUnixMs, after.CreatedUnixMs);

        // The adjacency copies were replaced too: one effect, one cause, with the new values.
        Assert.Equal(0.4, Assert.Single(f.Causal.QueryEffects("a").Edges).Uplift);
        Assert.Equal(0.9, Assert.Single(f.Causal.GetCausesOf("b").Edges).Confidence);

        string other = f.Causal.AddEdge("a", "b", null, 0.2, 0.5);
        Assert.NotEqual(first, other);
        Assert.Equal(other, f.Causal.AddEdge("a", "b", string.Empty, 0.2, 0.5)); // null and empty: the unspecified mechanism
        Assert.Equal(2, f.Causal.QueryEffects("a").Edges.Count);
    }

    [Fact]
    public void EffectsAreOrderedByUpliftTimesConfidenceAndFiltered()
    {
        using var f = new CausalFixture();
        f.Causal.AddEdge("x", "o1", "m", 1.0, 0.3);   // 0.30
        f.Causal.AddEdge("x", "o2", "m", 0.5, 0.9);   // 0.45
        f.Causal.AddEdge("x", "o3", "m", 2.0, 0.1);   // 0.20
        f.Causal.AddEdge("x", "o4", "m", -0.5, 0.95); // -0.475
        f.Causal.AddEdge("x", "o5", "m", 0.6, 0.6);   // 0.36
        f.Causal.AddEdge("y", "o1", "m", 9.0, 1.0);   // another intervention

        Assert.Equal(["o2", "o5", "o1", "o3", "o4"], Targets(f.Causal.QueryEffects("x")));
        Assert.Equal(["o2", "o5", "o4"], Targets(f.Causal.QueryEffects("x", minConfidence: 0.5, minUplift: double.NegativeInfinity)));
        Assert.Equal(["o2", "o5", "o1", "o3"], Targets(f.Causal.QueryEffects("x", minConfidence: 0, minUplift: 0)));
        Assert.Equal(["o5", "o1", "o3"], Targets(f.Causal.QueryEffects("x", minConfidence: 0, minUplift: 0.6)));
        Assert.Equal(["o5"], Targets(f.Causal.QueryEffects("x", minConfidence: 0.6, minUplift: 0.6))); // both bounds inclusive
        Assert.Equal(["o2", "o5"], Targets(f.Causal.QueryEffects("x", new CausalEdgeQueryOptions { Limit = 2 })));
        Assert.Empty(f.Causal.QueryEffects("o1").Edges);
        Assert.Empty(f.Causal.QueryEffects("never-seen").Edges);
    }

    [Fact]
    public void CausesAreTheIncomingEdgesInTheSameOrder()
    {
        using var f = new CausalFixture();
        f.Causal.AddEdge("c1", "goal", "m", 1.0, 0.3);  // 0.30
        f.Causal.AddEdge("c2", "goal", "m", 0.5, 0.9);  // 0.45
        f.Causal.AddEdge("c3", "goal", "m", 0.1, 0.99); // 0.099
        f.Causal.AddEdge("c1", "other", "m", 5, 1);

        CausalEdgeQueryResult causes = f.Causal.GetCausesOf("goal");
        Assert.Equal(["c2", "c1", "c3"], Sources(causes));
        Assert.All(causes.Edges, e => Assert.Equal("goal", e.To));
        Assert.Equal(["c2", "c3"], Sources(f.Causal.GetCausesOf("goal", minConfidence: 0.5, minUplift: double.NegativeInfinity)));
        Assert.Equal(["c1"], Sources(f.Causal.GetCausesOf("goal", minConfidence: 0, minUplift: 0.8)));
        Assert.Empty(f.Causal.GetCausesOf("c1").Edges);
    }

    [Fact]
    public void IdsThatArePrefixesOfEachOtherOrHoldSeparatorsDoNotMix()
    {
        using var f = new CausalFixture();
        f.Causal.AddEdge("a", "t1", "m", 1, 1);
        f.Causal.AddEdge("ab", "t2", "m", 1, 1);
        f.Causal.AddEdge("a/b", "t3", "m", 1, 1);
        f.Causal.AddEdge("a\0b", "t4", "m", 1, 1);
        f.Causal.AddEdge("é", "t5", "m", 1, 1);

        Assert.Equal(["t1"], Targets(f.Causal.QueryEffects("a")));
        Assert.Equal(["t2"], Targets(f.Causal.QueryEffects("ab")));
        Assert.Equal(["t3"], Targets(f.Causal.QueryEffects("a/b")));
        Assert.Equal(["t4"], Targets(f.Causal.QueryEffects("a\0b")));
        Assert.Equal(["t5"], Targets(f.Causal.QueryEffects("é")));
    }

    [Fact]
    public void ManyEdgesOfOneNodeAreAllRead()
    {
        using var f = new CausalFixture();
        var writes = new MemoryWriteSet();
        for (int i = 0; i < 2_500; i++) // more than one scan page
        {
            f.Causal.StageAddEdge(writes, "hub", "t" + i, "m", i, 1.0, 0, null);
        }

        writes.Commit(f.Cache, requireSingleStore: true);
        CausalEdgeQueryResult all = f.Causal.QueryEffects("hub", new CausalEdgeQueryOptions { Limit = 100_000 });
        Assert.Equal(2_500, all.Edges.Count);
        Assert.Equal("t2499", all.Edges[0].To);
        Assert.Equal("t0", all.Edges[^1].To);
        Assert.Equal("hub", Assert.Single(f.Causal.GetCausesOf("t7").Edges).From);
    }

    [Fact]
    public void RemovedEdgeLeavesBothDirections()
    {
        using var f = new CausalFixture();
        f.Causal.AddEdge("a", "b", "m", 1, 0.5);
        f.Causal.AddEdge("a", "c", "m", 1, 0.5);
        Assert.True(f.Causal.RemoveEdge("a", "b", "m"));
        Assert.False(f.Causal.RemoveEdge("a", "b", "m"));
        Assert.Null(f.Causal.GetEdge("a", "b", "m"));
        Assert.Equal(["c"], Targets(f.Causal.QueryEffects("a")));
        Assert.Empty(f.Causal.GetCausesOf("b").Edges);
    }

    [Fact]
    public void StagedEdgesCommitTogetherAndAreInvisibleBefore()
    {
        using var f = new CausalFixture();
        var writes = new MemoryWriteSet();
        f.Causal.StageAddEdge(writes, "a", "b", "m", 1, 0.5, 0, null);
        f.Causal.StageAddEdge(writes, "b", "c", "m", 1, 0.5, 0, null);
        Assert.Equal(6, writes.Count); // edge + two adjacency records each
        Assert.Empty(f.Causal.QueryEffects("a").Edges);
        writes.Commit(f.Cache, requireSingleStore: true);
        Assert.Single(f.Causal.QueryEffects("a").Edges);
        Assert.Single(f.Causal.QueryEffects("b").Edges);

        var twice = new MemoryWriteSet();
        f.Causal.StageAddEdge(twice, "a", "b", "m", 1, 0.5, 0, null);
        Assert.Throws<ArgumentException>(() => f.Causal.StageAddEdge(twice, "a", "b", "m", 2, 0.5, 0, null));
    }

    [Fact]
    public async Task AsyncAddIsVisibleWhenItCompletes()
    {
        using var f = new CausalFixture();
        string id = await f.Causal.AddEdgeAsync("a", "b", "m", 0.5, 0.5, 3, ["e"]);
        Assert.Equal(id, Assert.Single(f.Causal.QueryEffects("a").Edges).Id);
    }

    [Fact]
    public void EdgesSurviveReopening()
    {
        using var f = new CausalFixture(new MemoryStoreLayout { Functional = true });
        f.Causal.AddEdge("a", "b", "m", 0.5, 0.7, 3, ["e"]);
        f.Reopen();
        CausalEdge edge = Assert.Single(f.Causal.QueryEffects("a").Edges);
        Assert.Equal((0.5, 0.7, 3L), (edge.Uplift, edge.Confidence, edge.SampleSize));
    }

    [Fact]
    public void ANewEdgeInvalidatesCachedQueries()
    {
        using var f = new CausalFixture();
        f.Causal.AddEdge("a", "b", "m", 1, 0.5);
        CausalEdgeQueryResult first = f.Causal.QueryEffects("a");
        long hits = f.Cache.Hits;
        Assert.Same(first, f.Causal.QueryEffects("a"));
        Assert.Equal(hits + 1, f.Cache.Hits);
        CausalChain chain = f.Causal.GetCausalChain("a", "c", 3);
        Assert.False(chain.Found);
        Assert.Same(chain, f.Causal.GetCausalChain("a", "c", 3));

        f.Causal.AddEdge("b", "c", "m", 1, 0.5);
        f.Causal.AddEdge("a", "d", "m", 1, 0.9);
        Assert.Equal(["d", "b"], Targets(f.Causal.QueryEffects("a")));
        Assert.True(f.Causal.GetCausalChain("a", "c", 3).Found);

        f.Causal.RemoveEdge("a", "d", "m");
        Assert.Equal(["b"], Targets(f.Causal.QueryEffects("a")));
    }

    [Fact]
    public void CertificatesVerifyAndFailAfterTheEdgeChangesOrGoes()
    {
        using var f = new CausalFixture(new MemoryStoreLayout { Functional = true, SessionShards = 3 });
        f.Causal.AddEdge("x", "o1", "m", 1.0, 0.9);
        f.Causal.AddEdge("x", "o2", "m", 0.5, 0.5);
        CausalEdgeQueryResult plain = f.Causal.QueryEffects("x");
        Assert.Null(plain.Certificate);

        CausalEdgeQueryResult effects = f.Causal.QueryEffects("x", new CausalEdgeQueryOptions { WithCertificate = true });
        RecallCertificate certificate = effects.Certificate!;
        Assert.Equal(2, certificate.Items.Count);
        Assert.All(certificate.Items, i => Assert.Equal(MemoryKind.Causal, i.Kind));
        Assert.True(certificate.Verify(f.Stores).IsValid);

        RecallCertificate causes = f.Causal.GetCausesOf("o2", new CausalEdgeQueryOptions { WithCertificate = true }).Certificate!;
        Assert.True(causes.Verify(f.Stores).IsValid);

        f.Causal.AddEdge("x", "o2", "m", 0.5, 0.51); // the edge is updated in place
        CertificateVerification tampered = certificate.Verify(f.Stores);
        Assert.False(tampered.IsValid);
        Assert.Contains(tampered.Problems, p => p.Contains("changed", StringComparison.Ordinal));
        Assert.False(causes.Verify(f.Stores).IsValid);

        RecallCertificate fresh = f.Causal.QueryEffects("x", new CausalEdgeQueryOptions { WithCertificate = true }).Certificate!;
        Assert.True(fresh.Verify(f.Stores).IsValid);
        f.Causal.RemoveEdge("x", "o1", "m");
        Assert.Contains(fresh.Verify(f.Stores).Problems, p => p.Contains("no longer exists", StringComparison.Ordinal));
    }

    [Fact]
    public void BadEdgesAreRefusedWithClearErrors()
    {
        using var f = new CausalFixture();
        CausalMemory c = f.Causal;
        string longest = new('a', CausalMemory.MaxMemoryIdBytes);
        c.AddEdge(longest, "b", "m", 1, 1); // exactly at the limit: fine
        Assert.Single(c.QueryEffects(longest).Edges);

        ArgumentException tooLong = Assert.Throws<ArgumentException>(() => c.AddEdge("a", longest + "é", "m", 1, 1));
        Assert.Contains($"at most {CausalMemory.MaxMemoryIdBytes} bytes", tooLong.Message, StringComparison.Ordinal);
        Assert.Equal("to", tooLong.ParamName);
        Assert.Equal("from", Assert.Throws<ArgumentException>(() => c.AddEdge(string.Empty, "b", "m", 1, 1)).ParamName);
        Assert.Throws<ArgumentNullException>(() => c.AddEdge(null!, "b", "m", 1, 1));
        Assert.Contains("itself", Assert.Throws<ArgumentException>(() => c.AddEdge("a", "a", "m", 1, 1)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => c.AddEdge("a", "b", new string('m', CausalMemory.MaxMechanismBytes + 1), 1, 1));

        Assert.Equal("uplift", Assert.Throws<ArgumentOutOfRangeException>(() => c.AddEdge("a", "b", "m", double.NaN, 1)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => c.AddEdge("a", "b", "m", double.PositiveInfinity, 1));
        Assert.Equal("confidence", Assert.Throws<ArgumentOutOfRangeException>(() => c.AddEdge("a", "b", "m", 1, 1.01)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => c.AddEdge("a", "b", "m", 1, -0.01));
        Assert.Throws<ArgumentOutOfRangeException>(() => c.AddEdge("a", "b", "m", 1, double.NaN));
        Assert.Equal("sampleSize", Assert.Throws<ArgumentOutOfRangeException>(() => c.AddEdge("a", "b", "m", 1, 1, -1)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => c.AddEdge("a", "b", "m", 1, 1, 0, new string[CausalMemory.MaxEvidenceIds + 1]));
        Assert.Equal("evidenceIds", Assert.Throws<ArgumentException>(() => c.AddEdge("a", "b", "m", 1, 1, 0, ["ok", string.Empty])).ParamName);
        Assert.Throws<ArgumentException>(() => c.AddEdge("a", "b", "m", 1, 1, 0, ["ok", null!]));
        Assert.Throws<ArgumentException>(() => c.AddEdge("a", "b", "m", 1, 1, 0, [new string('e', AgentDatabase.MaxIdBytes + 1)]));

        // Nothing of the refused edges was written.
        Assert.Empty(c.QueryEffects("a").Edges);
        Assert.Empty(c.GetCausesOf("b", new CausalEdgeQueryOptions { MinUplift = 2 }).Edges);

        Assert.Throws<ArgumentException>(() => c.QueryEffects(string.Empty));
        Assert.Throws<ArgumentException>(() => c.GetCausesOf(longest + "x"));
        Assert.Throws<ArgumentOutOfRangeException>(() => c.QueryEffects("a", minConfidence: 1.5, minUplift: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => c.QueryEffects("a", minConfidence: double.NaN, minUplift: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => c.QueryEffects("a", minConfidence: 0, minUplift: double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => c.QueryEffects("a", new CausalEdgeQueryOptions { Limit = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => c.GetCausesOf("a", new CausalEdgeQueryOptions { Limit = CausalEdgeQueryOptions.MaxLimit + 1 }));
    }

    private static string[] Targets(CausalEdgeQueryResult result)
    {
        var targets = new string[result.Edges.Count];
        for (int i = 0; i < targets.Length; i++)
        {
            targets[i] = result.Edges[i].To;
        }

        return targets;
    }

    private static string[] Sources(CausalEdgeQueryResult result)
    {
        var sources = new string[result.Edges.Count];
        for (int i = 0; i < sources.Length; i++)
        {
            sources[i] = result.Edges[i].From;
        }

        return sources;
    }
}
