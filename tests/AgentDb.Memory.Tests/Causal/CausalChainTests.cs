using AgentDb.Memory.Causal;
using AgentDb.Memory.Provenance;

namespace AgentDb.Memory.Tests.Causal;

public sealed class CausalChainTests
{
    [Fact]
    public void FindsTheStrongestPathNotTheShortest()
    {
        using var f = new CausalFixture();
        f.Causal.AddEdge("a", "t", "direct", 0.5, 0.3);  // 1 edge: 0.3
        f.Causal.AddEdge("a", "b", "m", 0.5, 0.9);
        f.Causal.AddEdge("b", "t", "m", 0.5, 0.5);       // 2 edges: 0.45
        f.Causal.AddEdge("b", "c", "m", 0.5, 0.9);
        f.Causal.AddEdge("c", "t", "m", 0.5, 0.9);       // 3 edges: 0.729

        CausalChain best = f.Causal.GetCausalChain("a", "t", 4);
        Assert.True(best.Found);
        Assert.Equal(["a", "b", "c", "t"], Nodes(best));
        Assert.Equal(0.729, best.Strength, 12);
        Assert.Equal(1.5, best.TotalUplift, 12);
        Assert.False(best.Truncated);

        CausalChain two = f.Causal.GetCausalChain("a", "t", 2);
        Assert.Equal(["a", "b", "t"], Nodes(two));
        Assert.Equal(0.45, two.Strength, 12);

        CausalChain one = f.Causal.GetCausalChain("a", "t", 1);
        Assert.Equal(["a", "t"], Nodes(one));
        Assert.Equal(0.3, one.Strength, 12);
        Assert.Equal("direct", one.Edges[0].Mechanism);
    }

    [Fact]
    public void AStrongLongWayToANodeDoesNotHideAWeakShortWayWithinTheDepth()
    {
        // s→x directly (0.5, 1 edge) or via a, b (0.99³, 3 edges); then x→t. A search that settled x once, at its
        // cheapest, would find no path of ≤ 2 edges.
        using var f = new CausalFixture();
        f.Causal.AddEdge("s", "x", "m", 1, 0.5);
        f.Causal.AddEdge("s", "a", "m", 1, 0.99);
        f.Causal.AddEdge("a", "b", "m", 1, 0.99);
        f.Causal.AddEdge("b", "x", "m", 1, 0.99);
        f.Causal.AddEdge("x", "t", "m", 1, 0.9);

        Assert.Equal(["s", "x", "t"], Nodes(f.Causal.GetCausalChain("s", "t", 2)));
        Assert.Equal(["s", "x", "t"], Nodes(f.Causal.GetCausalChain("s", "t", 3)));
        CausalChain four = f.Causal.GetCausalChain("s", "t", 4);
        Assert.Equal(["s", "a", "b", "x", "t"], Nodes(four));
        Assert.Equal(0.99 * 0.99 * 0.99 * 0.9, four.Strength, 12);
    }

    [Fact]
    public void RespectsMaxDepth()
    {
        using var f = new CausalFixture();
        string[] line = ["n0", "n1", "n2", "n3", "n4", "n5"];
        for (int i = 0; i + 1 < line.Length; i++)
        {
            f.Causal.AddEdge(line[i], line[i + 1], "m", 1, 0.9);
        }

        CausalChain four = f.Causal.GetCausalChain("n0", "n5", 4);
        Assert.False(four.Found);
        Assert.False(four.Truncated);
        Assert.Empty(four.Edges);
        Assert.Equal(0, four.Strength);

        CausalChain five = f.Causal.GetCausalChain("n0", "n5", 5);
        Assert.Equal(line, Nodes(five));
        Assert.Equal(Math.Pow(0.9, 5), five.Strength, 12);
    }

    [Fact]
    public void CyclesEndAndUnreachableTargetsGiveNone()
    {
        using var f = new CausalFixture();
        f.Causal.AddEdge("a", "b", "m", 1, 1.0);
        f.Causal.AddEdge("b", "a", "m", 1, 1.0);
        f.Causal.AddEdge("b", "c", "m", 1, 1.0);
        f.Causal.AddEdge("c", "b", "m", 1, 1.0);
        f.Causal.AddEdge("c", "a", "m", 1, 1.0);
        f.Causal.AddEdge("z", "a", "m", 1, 1.0); // z reaches the cycle, nothing reaches z

        CausalChain none = f.Causal.GetCausalChain("a", "z", CausalChainOptions.MaxChainDepth);
        Assert.False(none.Found);
        Assert.False(none.Truncated);
        Assert.Equal(3, none.ExpandedNodes); // a, b, c — each once: confidence 1 costs nothing, fewer hops come first

        Assert.False(f.Causal.GetCausalChain("a", "unknown", 4).Found);
        Assert.False(f.Causal.GetCausalChain("unknown", "a", 4).Found);

        CausalChain through = f.Causal.GetCausalChain("z", "c", 4);
        Assert.Equal(["z", "a", "b", "c"], Nodes(through));
        Assert.Equal(1.0, through.Strength);
    }

    [Fact]
    public void ConfidenceAndUpliftThresholdsPruneEdges()
    {
        using var f = new CausalFixture();
        f.Causal.AddEdge("a", "t", "m", -1, 0.8);  // strong but harmful
        f.Causal.AddEdge("a", "b", "m", 1, 0.5);
        f.Causal.AddEdge("b", "t", "m", 1, 0.5);
        f.Causal.AddEdge("a", "z", "m", 1, 0.0);   // confidence 0 is never followed
        f.Causal.AddEdge("z", "t", "m", 1, 1.0);

        Assert.Equal(["a", "t"], Nodes(f.Causal.GetCausalChain("a", "t", 3)));
        Assert.Equal(["a", "b", "t"], Nodes(f.Causal.GetCausalChain("a", "t", new CausalChainOptions { MaxDepth = 3, MinUplift = 0 })));
        Assert.False(f.Causal.GetCausalChain("a", "t", new CausalChainOptions { MaxDepth = 3, MinUplift = 0, MinConfidence = 0.6 }).Found);
        Assert.False(f.Causal.GetCausalChain("a", "z", 3).Found);
    }

    [Fact]
    public void StopsAtTheExpansionLimitAndSaysSo()
    {
        using var f = new CausalFixture();
        f.Causal.AddEdge("a", "b", "m", 1, 0.9);
        f.Causal.AddEdge("b", "c", "m", 1, 0.9);
        f.Causal.AddEdge("c", "d", "m", 1, 0.9);

        CausalChain cut = f.Causal.GetCausalChain("a", "d", new CausalChainOptions { MaxExpandedNodes = 2 });
        Assert.False(cut.Found);
        Assert.True(cut.Truncated);
        Assert.Equal(2, cut.ExpandedNodes);

        CausalChain enough = f.Causal.GetCausalChain("a", "d", new CausalChainOptions { MaxExpandedNodes = 3 });
        Assert.True(enough.Found);
        Assert.False(enough.Truncated);
        Assert.Equal(3, enough.ExpandedNodes);
    }

    [Fact]
    public void FromAMemoryToItselfIsTheEmptyChain()
    {
        using var f = new CausalFixture();
        CausalChain self = f.Causal.GetCausalChain("a", "a", 3);
        Assert.True(self.Found);
        Assert.Empty(self.Edges);
        Assert.Equal(1.0, self.Strength);
    }

    [Fact]
    public void MatchesExhaustiveSearchOnRandomGraphs()
    {
        for (int seed = 0; seed < 12; seed++)
        {
            using var f = new CausalFixture();
            var random = new Random(seed);
            const int nodes = 10;
            var edges = new List<(int From, int To, double Confidence)>();
            var writes = new MemoryWriteSet();
            var seen = new HashSet<(int, int, int)>();
            for (int e = 0; e < 28; e++)
            {
                int from = random.Next(nodes);
                int to = random.Next(nodes);
                int mechanism = random.Next(2);
                if (from == to || !seen.Add((from, to, mechanism)))
                {
                    continue;
                }

                double confidence = Math.Round(random.NextDouble(), 3);
                edges.Add((from, to, confidence));
                f.Causal.StageAddEdge(writes, "n" + from, "n" + to, "m" + mechanism, 1, confidence, 0, null);
            }

            writes.Commit(f.Cache, requireSingleStore: true);
            for (int depth = 1; depth <= 4; depth++)
            {
                for (int to = 1; to < nodes; to++)
                {
                    double expected = Best(edges, 0, to, depth);
                    CausalChain chain = f.Causal.GetCausalChain("n0", "n" + to, depth);
                    if (expected <= 0)
                    {
                        Assert.False(chain.Found, $"seed {seed} depth {depth} n0→n{to}: found {chain.Strength}, expected none");
                        continue;
                    }

                    Assert.True(chain.Found, $"seed {seed} depth {depth} n0→n{to}: expected {expected}");
                    Assert.Equal(expected, chain.Strength, 9);
                    Assert.InRange(chain.Edges.Count, 1, depth);
                    Assert.Equal("n0", chain.Edges[0].From);
                    Assert.Equal("n" + to, chain.Edges[^1].To);
                    for (int i = 1; i < chain.Edges.Count; i++)
                    {
                        Assert.Equal(chain.Edges[i - 1].To, chain.Edges[i].From);
                    }
                }
            }
        }
    }

    [Fact]
    public void ChainCertificateVerifiesUntilAnEdgeChanges()
    {
        using var f = new CausalFixture();
        f.Causal.AddEdge("a", "b", "m", 1, 0.9);
        f.Causal.AddEdge("b", "c", "m", 1, 0.9);
        CausalChain chain = f.Causal.GetCausalChain("a", "c", new CausalChainOptions { WithCertificate = true });
        RecallCertificate certificate = chain.Certificate!;
        Assert.Equal(2, certificate.Items.Count);
        Assert.True(certificate.Verify(f.Stores).IsValid);
        Assert.Null(f.Causal.GetCausalChain("a", "c", 4).Certificate);

        f.Causal.AddEdge("b", "c", "m", 1, 0.8);
        Assert.False(certificate.Verify(f.Stores).IsValid);

        CausalChain none = f.Causal.GetCausalChain("c", "a", new CausalChainOptions { WithCertificate = true });
        Assert.False(none.Found);
        Assert.Empty(none.Certificate!.Items); // certifies that nothing was returned
        Assert.True(none.Certificate.Verify(f.Stores).IsValid);
    }

    [Fact]
    public void BadChainQueriesAreRefused()
    {
        using var f = new CausalFixture();
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Causal.GetCausalChain("a", "b", 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Causal.GetCausalChain("a", "b", CausalChainOptions.MaxChainDepth + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Causal.GetCausalChain("a", "b", new CausalChainOptions { MaxExpandedNodes = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Causal.GetCausalChain("a", "b", new CausalChainOptions { MinConfidence = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Causal.GetCausalChain("a", "b", new CausalChainOptions { MinUplift = double.NaN }));
        Assert.Throws<ArgumentException>(() => f.Causal.GetCausalChain(string.Empty, "b", 2));
        Assert.Throws<ArgumentNullException>(() => f.Causal.GetCausalChain("a", null!, 2));
    }

    /// <summary>The best product of confidences over every walk of at most <paramref name="depth"/> edges (0: none).</summary>
    private static double Best(List<(int From, int To, double Confidence)> edges, int from, int to, int depth)
    {
        double best = 0;
        void Walk(int node, int left, double product)
        {
            if (node == to)
            {
                best = Math.Max(best, product);
                return;
            }

            if (left == 0)
            {
                return;
            }

            foreach ((int f, int t, double c) in edges)
            {
                if (f == node && c > 0)
                {
                    Walk(t, left - 1, product * c);
                }
            }
        }

        Walk(from, depth, 1.0);
        return best;
    }

    private static string[] Nodes(CausalChain chain)
    {
        if (chain.Edges.Count == 0)
        {
            return [];
        }

        var nodes = new string[chain.Edges.Count + 1];
        nodes[0] = chain.Edges[0].From;
        for (int i = 0; i < chain.Edges.Count; i++)
        {
            nodes[i + 1] = chain.Edges[i].To;
        }

        return nodes;
    }
}
