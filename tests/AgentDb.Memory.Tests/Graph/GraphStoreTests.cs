using AgentDb.Memory.Graph;
using AgentDb.Memory.Provenance;

namespace AgentDb.Memory.Tests.Graph;

public sealed class GraphStoreTests
{
    [Fact]
    public void AddNode_RoundTripsLabelsAndEveryPropertyKind()
    {
        using var f = new GraphFixture();
        string id = f.Graph.AddNode(["Person", "Agent", "Person"], GraphFixture.Props(("name", "Ada"), ("age", 36L), ("score", 0.5), ("active", true)));

        Assert.Equal(32, id.Length);
        GraphNode node = f.Graph.GetNode(id)!;
        Assert.Equal(["Agent", "Person"], node.Labels);
        Assert.Equal("Ada", node.Properties["name"].AsString());
        Assert.Equal(36L, node.Properties["age"].AsInt64());
        Assert.Equal(0.5, node.Properties["score"].AsDouble());
        Assert.True(node.Properties["active"].AsBoolean());
        Assert.Equal(GraphValueKind.Int64, node.Properties["age"].Kind);
        Assert.False(node.HasEmbedding);
        Assert.Null(f.Graph.GetNode("nobody"));
        Assert.Equal(["l/Agent/" + id, "l/Person/" + id], f.Ids(GraphStore.LabelsCollection));
        Assert.Equal(1, f.Graph.NodeCount);
    }

    [Fact]
    public void GeneratedIdsSortByCreationTime()
    {
        using var f = new GraphFixture();
        string first = f.Graph.AddNode(["X"]);
        Thread.Sleep(3);
        string second = f.Graph.AddNode(["X"]);
        Assert.True(string.CompareOrdinal(first, second) < 0);
    }

    [Fact]
    public void AddNode_RefusesAnExistingId_UpsertReplacesLabelsAndTheirIndex()
    {
        using var f = new GraphFixture();
        f.Graph.AddNode(["Old", "Kept"], GraphFixture.Props(("v", 1L)), id: "n1");
        Assert.Throws<ArgumentException>(() => f.Graph.AddNode(["Old"], id: "n1"));

        f.Graph.UpsertNode(new GraphNodeInput { Id = "n1", Labels = ["Kept", "New"], Properties = GraphFixture.Props(("v", 2L)) });

        GraphNode node = f.Graph.GetNode("n1")!;
        Assert.Equal(["Kept", "New"], node.Labels);
        Assert.Equal(2L, node.Properties["v"].AsInt64());
        Assert.Equal(["l/Kept/n1", "l/New/n1"], f.Ids(GraphStore.LabelsCollection));
        Assert.Throws<ArgumentException>(() => f.Graph.UpsertNode(new GraphNodeInput { Labels = ["X"] })); // no id
    }

    [Fact]
    public void AddEdge_IsIndexedBothWays()
    {
        using var f = new GraphFixture();
        f.Graph.AddNode(["P"], id: "a");
        f.Graph.AddNode(["P"], id: "b");
        f.Graph.AddNode(["C"], id: "c");
        string ab = f.Graph.AddEdge("a", "KNOWS", "b", GraphFixture.Props(("since", 2020L)), id: "e1");
        f.Graph.AddEdge("a", "LIVES_IN", "c", id: "e2");
        f.Graph.AddEdge("c", "HOSTS", "a", id: "e3");

        Assert.Equal("e1", ab);
        Assert.Equal(
            ["i/a/HOSTS/c/e3", "i/b/KNOWS/a/e1", "i/c/LIVES_IN/a/e2", "o/a/KNOWS/b/e1", "o/a/LIVES_IN/c/e2", "o/c/HOSTS/a/e3"],
            f.Ids(GraphStore.AdjacencyCollection));

        GraphEdge edge = f.Graph.GetEdge("e1")!;
        Assert.Equal(("a", "KNOWS", "b"), (edge.From, edge.Type, edge.To));
        Assert.Equal(2020L, edge.Properties["since"].AsInt64());

        IReadOnlyList<GraphNeighbor> outOfA = f.Graph.Neighbors("a", GraphDirection.Out);
        Assert.Equal(["b", "c"], outOfA.Select(n => n.Node.Id));
        Assert.Equal(2020L, outOfA[0].Edge.Properties["since"].AsInt64());
        Assert.All(outOfA, n => Assert.Equal(GraphDirection.Out, n.Direction));

        IReadOnlyList<GraphNeighbor> intoB = f.Graph.Neighbors("b", GraphDirection.In);
        Assert.Equal("a", Assert.Single(intoB).Node.Id);
        Assert.Equal(GraphDirection.In, intoB[0].Direction);

        Assert.Equal(["e1", "e2", "e3"], f.Graph.Neighbors("a", GraphDirection.Both).Select(n => n.Edge.Id));
        Assert.Equal(["e2"], f.Graph.Neighbors("a", GraphDirection.Both, ["LIVES_IN"]).Select(n => n.Edge.Id));
        Assert.Equal(["e1"], f.Graph.Neighbors("a", GraphDirection.Both, limit: 1).Select(n => n.Edge.Id));
    }

    [Fact]
    public void AddEdge_ToAMissingNode_FailsAndWritesNothing()
    {
        using var f = new GraphFixture();
        f.Graph.AddNode(["P"], id: "a");
        KeyNotFoundException e = Assert.Throws<KeyNotFoundException>(() => f.Graph.AddEdge("a", "KNOWS", "ghost"));
        Assert.Contains("ghost", e.Message, StringComparison.Ordinal);
        Assert.Throws<KeyNotFoundException>(() => f.Graph.AddEdges(
            [new GraphEdgeInput { From = "a", Type = "T", To = "a" }, new GraphEdgeInput { From = "ghost", Type = "T", To = "a" }]));
        Assert.Equal(0, f.Graph.EdgeCount);
        Assert.Empty(f.Ids(GraphStore.AdjacencyCollection));
    }

    [Fact]
    public void AddEdge_RefusesAnExistingEdgeId()
    {
        using var f = new GraphFixture();
        f.Graph.AddNode(["P"], id: "a");
        f.Graph.AddEdge("a", "T", "a", id: "e");
        Assert.Throws<ArgumentException>(() => f.Graph.AddEdge("a", "U", "a", id: "e"));
    }

    [Fact]
    public void DeleteNode_CascadesEveryEdgeAndIndexEntry_SelfLoopsIncluded()
    {
        using var f = new GraphFixture();
        foreach (string id in new[] { "a", "b", "c" })
        {
            f.Graph.AddNode(["P", "Q"], id: id);
        }

        f.Graph.AddEdge("a", "T", "b", id: "ab");
        f.Graph.AddEdge("b", "T", "a", id: "ba");
        f.Graph.AddEdge("a", "T", "a", id: "aa");
        f.Graph.AddEdge("c", "U", "a", id: "ca");
        f.Graph.AddEdge("b", "U", "c", id: "bc");

        Assert.True(f.Graph.DeleteNode("a"));

        Assert.Null(f.Graph.GetNode("a"));
        Assert.Equal(["bc"], f.Ids(GraphStore.EdgesCollection));
        Assert.Equal(["i/c/U/b/bc", "o/b/U/c/bc"], f.Ids(GraphStore.AdjacencyCollection));
        Assert.Equal(["l/P/b", "l/P/c", "l/Q/b", "l/Q/c"], f.Ids(GraphStore.LabelsCollection));
        Assert.Equal(["c"], f.Graph.Neighbors("b", GraphDirection.Both).Select(n => n.Node.Id));
        Assert.False(f.Graph.DeleteNode("a"));
    }

    [Fact]
    public void DeleteEdge_RemovesItsRecordAndBothAdjacencyEntries()
    {
        using var f = new GraphFixture();
        f.Graph.AddNode(["P"], id: "a");
        f.Graph.AddNode(["P"], id: "b");
        f.Graph.AddEdge("a", "T", "b", id: "e1");
        f.Graph.AddEdge("a", "T", "b", id: "e2");

        Assert.True(f.Graph.DeleteEdge("e1"));
        Assert.False(f.Graph.DeleteEdge("e1"));
        Assert.Null(f.Graph.GetEdge("e1"));
        Assert.Equal(["i/b/T/a/e2", "o/a/T/b/e2"], f.Ids(GraphStore.AdjacencyCollection));
    }

    [Fact]
    public void StagedBatch_LinksNodesStagedEarlier_AndCascadesShareEdgesOnce()
    {
        using var f = new GraphFixture();
        var writes = new MemoryWriteSet();
        f.Graph.StageAddNode(writes, new GraphNodeInput { Id = "a", Labels = ["P"] });
        f.Graph.StageAddNode(writes, new GraphNodeInput { Id = "b", Labels = ["P"] });
        f.Graph.StageAddEdge(writes, new GraphEdgeInput { From = "a", Type = "T", To = "b", Id = "ab" });
        Assert.Throws<InvalidOperationException>(() => f.Graph.StageDeleteNode(writes, "a"));
        Assert.Throws<ArgumentException>(() => f.Graph.StageAddNode(writes, new GraphNodeInput { Id = "a" }));
        Assert.Null(f.Graph.GetNode("a")); // nothing visible before commit
        writes.Commit(f.Cache, requireSingleStore: true);
        Assert.Equal("b", Assert.Single(f.Graph.Neighbors("a")).Node.Id);

        // Both ends of one edge deleted in one batch: the edge is deleted once (a second delete of the same id would
        // make the engine refuse the batch).
        var deletes = new MemoryWriteSet();
        Assert.True(f.Graph.StageDeleteNode(deletes, "a"));
        Assert.True(f.Graph.StageDeleteNode(deletes, "b"));
        Assert.False(f.Graph.StageDeleteNode(deletes, "a"));
        Assert.Throws<KeyNotFoundException>(() => f.Graph.StageAddEdge(deletes, new GraphEdgeInput { From = "a", Type = "T", To = "a" }));
        deletes.Commit(f.Cache, requireSingleStore: true);
        Assert.Equal(0, f.Graph.NodeCount);
        Assert.Equal(0, f.Graph.EdgeCount);
        Assert.Empty(f.Ids(GraphStore.AdjacencyCollection));
        Assert.Empty(f.Ids(GraphStore.LabelsCollection));
    }

    [Fact]
    public void BadInput_IsRefusedWithClearErrors()
    {
        using var f = new GraphFixture();
        f.Graph.AddNode(["P"], id: "a");
        string longId = new('x', GraphStore.MaxIdBytes + 1);
        string longUtf8 = new('é', (GraphStore.MaxIdBytes / 2) + 1); // 2 bytes each: over the byte limit, under the char limit

        Assert.Contains("'/'", Assert.Throws<ArgumentException>(() => f.Graph.AddNode(["P"], id: "a/b")).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => f.Graph.AddNode(["P"], id: ""));
        Assert.Throws<ArgumentException>(() => f.Graph.AddNode(["P"], id: longId));
        Assert.Throws<ArgumentException>(() => f.Graph.AddNode(["P"], id: longUtf8));
        f.Graph.AddNode(["P"], id: new string('x', GraphStore.MaxIdBytes)); // exactly at the limit
        Assert.Throws<ArgumentException>(() => f.Graph.AddNode(["a/b"]));
        Assert.Throws<ArgumentException>(() => f.Graph.AddNode([""]));
        Assert.Throws<ArgumentException>(() => f.Graph.AddNode(["P"], GraphFixture.Props(("v", default(GraphValue)))));
        Assert.Throws<ArgumentException>(() => f.Graph.AddNode(["P"], GraphFixture.Props(("", 1L))));
        Assert.Throws<ArgumentException>(() => f.Graph.AddNode(new GraphNodeInput { Embedding = new float[3] }));
        Assert.Throws<ArgumentException>(() => f.Graph.AddEdge("a", "T/U", "a"));
        Assert.Throws<ArgumentException>(() => f.Graph.AddEdge("a", new string('T', GraphStore.MaxNameBytes + 1), "a"));
        Assert.Throws<ArgumentException>(() => f.Graph.GetNode("x/y"));

        Assert.Throws<ArgumentOutOfRangeException>(() => f.Graph.Neighbors("a", limit: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Graph.Neighbors("a", (GraphDirection)7));
        Assert.Throws<KeyNotFoundException>(() => f.Graph.Neighbors("ghost"));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Graph.Traverse("a", new TraversalOptions { MaxDepth = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Graph.Traverse("a", new TraversalOptions { MaxDepth = GraphStore.MaxTraversalDepth + 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Graph.Traverse("a", new TraversalOptions { Limit = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Graph.Traverse("a", new TraversalOptions { MaxVisited = 0 }));
        Assert.Throws<ArgumentException>(() => f.Graph.Traverse("a", new TraversalOptions { EdgeTypes = ["ok", "bad/type"] }));
        Assert.Throws<KeyNotFoundException>(() => f.Graph.Traverse("ghost"));
        Assert.Throws<KeyNotFoundException>(() => f.Graph.ShortestPath("a", "ghost"));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Graph.ShortestPath("a", "a", new ShortestPathOptions { MaxDepth = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Graph.Match(new GraphPattern(), new MatchOptions { Limit = GraphStore.MaxLimit + 1 }));
        Assert.Throws<ArgumentException>(() => f.Graph.Match(new GraphPattern { EdgeType = "" }));
        Assert.Throws<ArgumentException>(() => f.Graph.SearchNodes(new float[GraphFixture.Dimension + 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Graph.SearchNodes("x", new NodeSearchOptions { K = 0 }));
    }

    [Fact]
    public void CachedQueries_AreServedUntilAGraphWrite()
    {
        using var f = new GraphFixture();
        f.Graph.AddNode(["P"], id: "a");
        f.Graph.AddNode(["P"], id: "b");
        f.Graph.AddEdge("a", "T", "b");

        IReadOnlyList<GraphNeighbor> first = f.Graph.Neighbors("a");
        TraversalResult walk = f.Graph.Traverse("a");
        Assert.Same(first, f.Graph.Neighbors("a"));
        Assert.Same(walk, f.Graph.Traverse("a"));
        Assert.NotSame(walk, f.Graph.Traverse("a", new TraversalOptions { MaxDepth = 3 })); // another key

        f.Graph.AddNode(["P"], id: "c");
        f.Graph.AddEdge("a", "T", "c");
        Assert.Equal(["b", "c"], f.Graph.Neighbors("a").Select(n => n.Node.Id));
        Assert.Equal(2, f.Graph.Traverse("a").Nodes.Count);

        f.Graph.DeleteNode("b");
        Assert.Equal(["c"], f.Graph.Neighbors("a").Select(n => n.Node.Id));
    }

    [Fact]
    public void SearchNodes_FindsEmbeddedNodesByTextOrVector_WithFilters()
    {
        using var f = new GraphFixture();
        f.Graph.AddNode(new GraphNodeInput { Id = "paris", Labels = ["City"], Properties = GraphFixture.Props(("pop", 2L)), EmbeddingText = "paris france capital city" });
        f.Graph.AddNode(new GraphNodeInput { Id = "lyon", Labels = ["City"], Properties = GraphFixture.Props(("pop", 1L)), EmbeddingText = "lyon france city food" });
        f.Graph.AddNode(new GraphNodeInput { Id = "ada", Labels = ["Person"], Properties = GraphFixture.Props(("country", "uk")), EmbeddingText = "ada lovelace mathematician" });
        f.Graph.AddNode(["City"], id: "plain"); // no embedding: never a hit

        NodeSearchResult all = f.Graph.SearchNodes("france capital", new NodeSearchOptions { K = 10 });
        Assert.Equal("paris", all.Hits[0].Node.Id);
        Assert.Equal(3, all.Hits.Count);
        Assert.True(all.Hits[0].Node.HasEmbedding);

        var vector = new float[GraphFixture.Dimension];
        f.Embedder.Embed("ada lovelace mathematician", vector);
        NodeSearchResult byVector = f.Graph.SearchNodes(vector, new NodeSearchOptions { K = 1 });
        Assert.Equal("ada", byVector.Hits[0].Node.Id);
        Assert.True(byVector.Hits[0].Distance < 1e-4f);

        NodeSearchResult cities = f.Graph.SearchNodes(vector, new NodeSearchOptions { K = 10, Filter = GraphNodeFilter.WithLabel("City") });
        Assert.Equal(["lyon", "paris"], cities.Hits.Select(h => h.Node.Id).Order(StringComparer.Ordinal));

        // A non-string property is checked on the decoded node (over-fetching); a string one by the engine's filter.
        NodeSearchResult small = f.Graph.SearchNodes(vector, new NodeSearchOptions { K = 1, Filter = new GraphNodeFilter { Properties = GraphFixture.Props(("pop", 1L)) } });
        Assert.Equal("lyon", Assert.Single(small.Hits).Node.Id);
        NodeSearchResult uk = f.Graph.SearchNodes(vector, new NodeSearchOptions { K = 5, Filter = new GraphNodeFilter { Properties = GraphFixture.Props(("country", "uk")) } });
        Assert.Equal("ada", Assert.Single(uk.Hits).Node.Id);
        Assert.Null(uk.Certificate);

        NodeSearchResult certified = f.Graph.SearchNodes("france", new NodeSearchOptions { K = 2, WithCertificate = true });
        Assert.Equal(certified.Hits.Select(h => h.Node.Id), certified.Certificate!.Items.Select(i => i.Id));
        Assert.True(certified.Certificate.Verify(f.Stores).IsValid);
    }

    [Fact]
    public void Certificates_CoverTraversalAndMatchNodes_AndFailOnceANodeChanges()
    {
        using var f = new GraphFixture();
        f.Graph.AddNode(["P"], GraphFixture.Props(("v", 1L)), id: "a");
        f.Graph.AddNode(["P"], id: "b");
        f.Graph.AddNode(["Q"], id: "c");
        f.Graph.AddEdge("a", "T", "b");
        f.Graph.AddEdge("b", "T", "c");

        TraversalResult walk = f.Graph.Traverse("a", new TraversalOptions { WithCertificate = true });
        Assert.Equal(["b", "c"], walk.Certificate!.Items.Select(i => i.Id));
        Assert.All(walk.Certificate.Items, i => Assert.Equal(GraphStore.NodesCollection, i.Collection));
        Assert.True(walk.Certificate.Verify(f.Stores).IsValid);

        MatchResult match = f.Graph.Match(new GraphPattern { From = GraphNodeFilter.WithLabel("P"), EdgeType = "T", To = GraphNodeFilter.WithLabel("P") }, new MatchOptions { WithCertificate = true });
        Assert.Equal(["a", "b"], match.Certificate!.Items.Select(i => i.Id));
        Assert.True(match.Certificate.Verify(f.Stores).IsValid);

        f.Graph.UpsertNode(new GraphNodeInput { Id = "b", Labels = ["P"], Properties = GraphFixture.Props(("v", 2L)) });
        CertificateVerification after = walk.Certificate.Verify(f.Stores);
        Assert.False(after.IsValid);
        Assert.Contains(after.Problems, p => p.Contains("/b:", StringComparison.Ordinal));
        Assert.False(match.Certificate.Verify(f.Stores).IsValid);
    }

    [Fact]
    public void MalformedStoredRecords_FailWithTheRecordNamed()
    {
        using var f = new GraphFixture();
        f.Store.Upsert(GraphStore.NodesCollection, "bad", [0x81, 0x01, 0x02]); // a map with an integer key
        f.Store.Upsert(GraphStore.NodesCollection, "cut", [0x81, 0xA6, (byte)'l', (byte)'a']); // truncated
        f.Store.Upsert(GraphStore.EdgesCollection, "edge", [0x80]); // no type, from or to

        Assert.Contains("'bad'", Assert.Throws<InvalidDataException>(() => f.Graph.GetNode("bad")).Message, StringComparison.Ordinal);
        Assert.Contains("'cut'", Assert.Throws<InvalidDataException>(() => f.Graph.GetNode("cut")).Message, StringComparison.Ordinal);
        Assert.Contains("'edge'", Assert.Throws<InvalidDataException>(() => f.Graph.GetEdge("edge")).Message, StringComparison.Ordinal);
    }
}
