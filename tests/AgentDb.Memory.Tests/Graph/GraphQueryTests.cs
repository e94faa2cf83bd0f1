using System.Text;
using AgentDb.Memory.Graph;
using AgentDb.Memory.Stores;

namespace AgentDb.Memory.Tests.Graph;

public sealed class GraphQueryTests
{
    [Fact]
    public void Traverse_ReturnsNodesByDepth_UpToMaxDepth()
    {
        using var f = new GraphFixture();
        BuildChainWithBranch(f.Graph); // r -> a -> b -> c, r -> x

        TraversalResult two = f.Graph.Traverse("r", new TraversalOptions { MaxDepth = 2, IncludePaths = true });
        Assert.Equal(["a:1", "x:1", "b:2"], two.Nodes.Select(n => $"{n.Node.Id}:{n.Depth}"));
        Assert.False(two.Truncated);
        Assert.Equal(["r", "a", "b"], two.Nodes[2].Path!.NodeIds);
        Assert.Equal(["ra", "ab"], two.Nodes[2].Path!.EdgeIds);

        TraversalResult all = f.Graph.Traverse("r", new TraversalOptions { MaxDepth = 5 });
        Assert.Equal(["a", "x", "b", "c"], all.Nodes.Select(n => n.Node.Id));
        Assert.Null(all.Nodes[0].Path);

        TraversalResult backwards = f.Graph.Traverse("c", new TraversalOptions { MaxDepth = 5, Direction = GraphDirection.In });
        Assert.Equal(["b", "a", "r"], backwards.Nodes.Select(n => n.Node.Id));
        Assert.Equal(["b", "a", "r", "x"], f.Graph.Traverse("c", new TraversalOptions { MaxDepth = 5, Direction = GraphDirection.Both }).Nodes.Select(n => n.Node.Id));
    }

    [Fact]
    public void Traverse_FiltersByEdgeTypeLabelAndProperty()
    {
        using var f = new GraphFixture();
        f.Graph.AddNode(["Person"], id: "me");
        f.Graph.AddNode(["Person"], GraphFixture.Props(("city", "Oslo")), id: "friend");
        f.Graph.AddNode(["Company"], GraphFixture.Props(("city", "Oslo")), id: "acme");
        f.Graph.AddNode(["Person"], GraphFixture.Props(("city", "Oslo")), id: "colleague");
        f.Graph.AddNode(["Person"], GraphFixture.Props(("city", "Rome")), id: "fof");
        f.Graph.AddEdge("me", "KNOWS", "friend");
        f.Graph.AddEdge("me", "WORKS_AT", "acme");
        f.Graph.AddEdge("acme", "EMPLOYS", "colleague");
        f.Graph.AddEdge("friend", "KNOWS", "fof");

        Assert.Equal(["friend", "fof"], f.Graph.Traverse("me", new TraversalOptions { EdgeTypes = ["KNOWS"] }).Nodes.Select(n => n.Node.Id));

        var people = new GraphNodeFilter { Labels = ["Person"] };
        Assert.Equal(["friend", "fof", "colleague"], f.Graph.Traverse("me", new TraversalOptions { NodeFilter = people }).Nodes.Select(n => n.Node.Id));

        // Not expanding non-matching nodes cuts the path through the company.
        Assert.Equal(["friend", "fof"], f.Graph.Traverse("me", new TraversalOptions { NodeFilter = people, ExpandOnlyMatching = true }).Nodes.Select(n => n.Node.Id));

        var osloPeople = new GraphNodeFilter { Labels = ["Person"], Properties = GraphFixture.Props(("city", "Oslo")) };
        Assert.Equal(["friend", "colleague"], f.Graph.Traverse("me", new TraversalOptions { NodeFilter = osloPeople }).Nodes.Select(n => n.Node.Id));

        var wrongKind = new GraphNodeFilter { Properties = GraphFixture.Props(("city", 1L)) };
        Assert.Empty(f.Graph.Traverse("me", new TraversalOptions { NodeFilter = wrongKind }).Nodes);
    }

    [Fact]
    public void Traverse_LimitAndBudgets_SetTruncatedOnlyWhenSomethingWasLeft()
    {
        using var f = new GraphFixture();
        f.Graph.AddNode(["Hub"], id: "hub");
        var nodes = new List<GraphNodeInput>();
        var edges = new List<GraphEdgeInput>();
        for (int i = 0; i < 20; i++)
        {
            nodes.Add(new GraphNodeInput { Id = $"n{i:D2}", Labels = ["Leaf"] });
            edges.Add(new GraphEdgeInput { From = "hub", Type = "T", To = $"n{i:D2}" });
        }

        f.Graph.AddNodes(nodes);
        f.Graph.AddEdges(edges);

        TraversalResult exact = f.Graph.Traverse("hub", new TraversalOptions { Limit = 20 });
        Assert.Equal(20, exact.Nodes.Count);
        Assert.False(exact.Truncated);

        TraversalResult cut = f.Graph.Traverse("hub", new TraversalOptions { Limit = 19 });
        Assert.Equal(19, cut.Nodes.Count);
        Assert.True(cut.Truncated);

        TraversalResult visited = f.Graph.Traverse("hub", new TraversalOptions { MaxVisited = 6 });
        Assert.Equal(5, visited.Nodes.Count); // the start counts as visited
        Assert.Equal(6, visited.Visited);
        Assert.True(visited.Truncated);

        TraversalResult scanned = f.Graph.Traverse("hub", new TraversalOptions { MaxEdgesScanned = 7 });
        Assert.Equal(7, scanned.Nodes.Count);
        Assert.True(scanned.Truncated);
        Assert.False(f.Graph.Traverse("hub", new TraversalOptions { MaxEdgesScanned = 20 }).Truncated);
    }

    [Fact]
    public void Traverse_MatchesABruteForceBfs_OnARandomGraph()
    {
        using var f = new GraphFixture();
        var random = new Random(7);
        List<(string From, string Type, string To)> edges = BuildRandomGraph(f.Graph, random, nodeCount: 200, edgeCount: 500);
        for (int trial = 0; trial < 20; trial++)
        {
            string start = Node(random.Next(200));
            GraphDirection direction = (GraphDirection)(trial % 3);
            string[]? types = trial % 4 == 0 ? ["A"] : null;
            int depth = 1 + (trial % 4);
            Dictionary<string, int> expected = BruteForceDistances(edges, start, direction, types, depth);
            expected.Remove(start);

            TraversalResult result = f.Graph.Traverse(start, new TraversalOptions { MaxDepth = depth, Direction = direction, EdgeTypes = types, Limit = 1000, IncludePaths = true });

            Assert.False(result.Truncated);
            Assert.Equal(expected.Count, result.Nodes.Count);
            foreach (TraversedNode node in result.Nodes)
            {
                Assert.Equal(expected[node.Node.Id], node.Depth);
                AssertValidPath(f.Graph, node.Path!, start, node.Node.Id, direction, types);
            }

            for (int i = 1; i < result.Nodes.Count; i++)
            {
                Assert.True(result.Nodes[i - 1].Depth <= result.Nodes[i].Depth, "breadth-first order");
            }
        }
    }

    [Fact]
    public void ShortestPath_MatchesABruteForceBfs_OnARandomGraph()
    {
        using var f = new GraphFixture();
        var random = new Random(11);
        const int nodeCount = 300;
        List<(string From, string Type, string To)> edges = BuildRandomGraph(f.Graph, random, nodeCount, edgeCount: 600);
        int found = 0, missing = 0;
        for (int trial = 0; trial < 150; trial++)
        {
            string from = Node(random.Next(nodeCount));
            string to = Node(random.Next(nodeCount));
            GraphDirection direction = (GraphDirection)(trial % 3);
            string[]? types = trial % 5 == 0 ? ["B"] : null;
            const int maxDepth = 8;
            Dictionary<string, int> distances = BruteForceDistances(edges, from, direction, types, maxDepth);

            ShortestPathResult result = f.Graph.ShortestPath(from, to, new ShortestPathOptions { MaxDepth = maxDepth, Direction = direction, EdgeTypes = types });

            Assert.False(result.Truncated);
            if (distances.TryGetValue(to, out int distance))
            {
                Assert.True(result.Found, $"{from}->{to} ({direction}) has a path of {distance}");
                Assert.Equal(distance, result.Path!.Length);
                AssertValidPath(f.Graph, result.Path, from, to, direction, types);
                found++;
            }
            else
            {
                Assert.False(result.Found, $"{from}->{to} ({direction}) has no path within {maxDepth}");
                missing++;
            }
        }

        Assert.True(found > 30 && missing > 10, $"the random graph should exercise both outcomes (found {found}, missing {missing})");
    }

    [Fact]
    public void ShortestPath_HonoursDepthAndBudget()
    {
        using var f = new GraphFixture();
        BuildChainWithBranch(f.Graph); // r -> a -> b -> c

        Assert.Equal(3, f.Graph.ShortestPath("r", "c").Path!.Length);
        Assert.Equal(["r"], f.Graph.ShortestPath("r", "r").Path!.NodeIds);
        ShortestPathResult tooShort = f.Graph.ShortestPath("r", "c", new ShortestPathOptions { MaxDepth = 2 });
        Assert.False(tooShort.Found);
        Assert.False(tooShort.Truncated);
        Assert.False(f.Graph.ShortestPath("c", "r").Found); // edges point the other way
        Assert.Equal(["c", "b", "a", "r"], f.Graph.ShortestPath("c", "r", new ShortestPathOptions { Direction = GraphDirection.In }).Path!.NodeIds);

        ShortestPathResult starved = f.Graph.ShortestPath("r", "c", new ShortestPathOptions { MaxVisited = 3 });
        Assert.False(starved.Found);
        Assert.True(starved.Truncated);
    }

    [Fact]
    public void Match_FindsOneEdgePatterns_FromEitherLabelOrFromAScan()
    {
        using var f = new GraphFixture();
        f.Graph.AddNode(["Person"], GraphFixture.Props(("name", "Ada")), id: "ada");
        f.Graph.AddNode(["Person"], GraphFixture.Props(("name", "Bob")), id: "bob");
        f.Graph.AddNode(["Person"], GraphFixture.Props(("name", "Cy")), id: "cy");
        f.Graph.AddNode(["City"], GraphFixture.Props(("name", "Oslo")), id: "oslo");
        f.Graph.AddNode(["City"], GraphFixture.Props(("name", "Rome")), id: "rome");
        f.Graph.AddEdge("ada", "KNOWS", "bob", GraphFixture.Props(("since", 2001L)), id: "k1");
        f.Graph.AddEdge("bob", "KNOWS", "cy", GraphFixture.Props(("since", 2010L)), id: "k2");
        f.Graph.AddEdge("ada", "LIVES_IN", "oslo", id: "l1");
        f.Graph.AddEdge("bob", "LIVES_IN", "rome", id: "l2");
        f.Graph.AddEdge("cy", "LIVES_IN", "oslo", id: "l3");

        // (a:Person)-[:LIVES_IN]->(b:City {name: "Oslo"})
        var livesInOslo = new GraphPattern
        {
            From = GraphNodeFilter.WithLabel("Person"),
            EdgeType = "LIVES_IN",
            To = new GraphNodeFilter { Labels = ["City"], Properties = GraphFixture.Props(("name", "Oslo")) },
        };
        Assert.Equal(["ada-l1-oslo", "cy-l3-oslo"], Triples(f.Graph.Match(livesInOslo)));

        // Anchored on b's label when a has none: (a {name: "Bob"})-[]->(b:City)
        var bobsCity = new GraphPattern { From = new GraphNodeFilter { Properties = GraphFixture.Props(("name", "Bob")) }, To = GraphNodeFilter.WithLabel("City") };
        Assert.Equal(["bob-l2-rome"], Triples(f.Graph.Match(bobsCity)));

        // No label anywhere: a scan of every node.
        var knowsSince2010 = new GraphPattern { EdgeType = "KNOWS", EdgeProperties = GraphFixture.Props(("since", 2010L)) };
        Assert.Equal(["bob-k2-cy"], Triples(f.Graph.Match(knowsSince2010)));

        // (a:City)<-[:LIVES_IN]-(b:Person): the edge points from b to a.
        var residents = new GraphPattern { From = GraphNodeFilter.WithLabel("City"), EdgeType = "LIVES_IN", Direction = GraphDirection.In, To = GraphNodeFilter.WithLabel("Person") };
        MatchResult reversed = f.Graph.Match(residents);
        Assert.Equal(["oslo-l1-ada", "oslo-l3-cy", "rome-l2-bob"], Triples(reversed));
        Assert.Equal("ada", reversed.Matches[0].Edge.From);

        var anyKnows = new GraphPattern { From = GraphNodeFilter.WithLabel("Person"), EdgeType = "KNOWS", Direction = GraphDirection.Both, To = GraphNodeFilter.WithLabel("Person") };
        Assert.Equal(["ada-k1-bob", "bob-k2-cy", "bob-k1-ada", "cy-k2-bob"], Triples(f.Graph.Match(anyKnows)));
        MatchResult limited = f.Graph.Match(anyKnows, new MatchOptions { Limit = 3 });
        Assert.Equal(3, limited.Matches.Count);
        Assert.True(limited.Truncated);
        Assert.False(f.Graph.Match(anyKnows, new MatchOptions { Limit = 4 }).Truncated);
        MatchResult starved = f.Graph.Match(anyKnows, new MatchOptions { MaxVisited = 2 });
        Assert.True(starved.Truncated);
    }

    [Fact]
    public void ShardedAndUnshardedLayouts_GiveTheSameAnswers()
    {
        using var plain = new GraphFixture();
        using var sharded = new GraphFixture(new MemoryStoreLayout { Functional = true, SessionShards = 3 });
        Assert.NotSame(sharded.Stores.Store(MemoryKind.Graph), sharded.Stores.Store(MemoryKind.Reflexion));
        foreach (GraphFixture f in new[] { plain, sharded })
        {
            BuildRandomGraph(f.Graph, new Random(3), nodeCount: 120, edgeCount: 300);
        }

        Assert.Equal(Describe(plain.Graph), Describe(sharded.Graph));
        Assert.Equal(0, sharded.Stores.Store(MemoryKind.Reflexion).ListCollections().Count(c => c.Name.StartsWith("mem.graph", StringComparison.Ordinal)));
    }

    private static string Describe(GraphStore graph)
    {
        var text = new StringBuilder();
        for (int i = 0; i < 120; i += 7)
        {
            TraversalResult walk = graph.Traverse(Node(i), new TraversalOptions { MaxDepth = 3, Direction = GraphDirection.Both, IncludePaths = true });
            text.AppendLine(string.Join(',', walk.Nodes.Select(n => $"{n.Node.Id}@{n.Depth}/{string.Join('>', n.Path!.EdgeIds)}")));
            ShortestPathResult path = graph.ShortestPath(Node(i), Node((i * 31) % 120));
            text.AppendLine(path.Found ? string.Join('>', path.Path!.NodeIds) : "none");
            text.AppendLine(string.Join(',', graph.Neighbors(Node(i), GraphDirection.Both).Select(n => n.Edge.Id)));
        }

        text.AppendLine(string.Join(',', Triples(graph.Match(new GraphPattern { From = GraphNodeFilter.WithLabel("L1"), EdgeType = "A", To = GraphNodeFilter.WithLabel("L2") }))));
        return text.ToString();
    }

    private static string Node(int i) => $"n{i:D3}";

    private static List<string> Triples(MatchResult result) => result.Matches.Select(m => $"{m.A.Id}-{m.Edge.Id}-{m.B.Id}").ToList();

    private static void BuildChainWithBranch(GraphStore graph)
    {
        foreach (string id in new[] { "r", "a", "b", "c", "x" })
        {
            graph.AddNode(["N"], id: id);
        }

        graph.AddEdge("r", "T", "a", id: "ra");
        graph.AddEdge("a", "T", "b", id: "ab");
        graph.AddEdge("b", "T", "c", id: "bc");
        graph.AddEdge("r", "U", "x", id: "rx");
    }

    /// <summary>Nodes n000.. with one of three labels; random edges of types A and B (self-loops and parallel edges included), with deterministic ids.</summary>
    private static List<(string From, string Type, string To)> BuildRandomGraph(GraphStore graph, Random random, int nodeCount, int edgeCount)
    {
        var nodes = new List<GraphNodeInput>();
        for (int i = 0; i < nodeCount; i++)
        {
            nodes.Add(new GraphNodeInput { Id = Node(i), Labels = [$"L{i % 3}"], Properties = GraphFixture.Props(("i", (long)i)) });
        }

        graph.AddNodes(nodes);
        var edges = new List<(string From, string Type, string To)>();
        var inputs = new List<GraphEdgeInput>();
        for (int e = 0; e < edgeCount; e++)
        {
            (string From, string Type, string To) edge = (Node(random.Next(nodeCount)), random.Next(2) == 0 ? "A" : "B", Node(random.Next(nodeCount)));
            edges.Add(edge);
            inputs.Add(new GraphEdgeInput { From = edge.From, Type = edge.Type, To = edge.To, Id = $"e{e:D4}" });
        }

        graph.AddEdges(inputs);
        return edges;
    }

    /// <summary>Plain single-source BFS over an edge list: every node within <paramref name="maxDepth"/> with its distance.</summary>
    private static Dictionary<string, int> BruteForceDistances(List<(string From, string Type, string To)> edges, string start, GraphDirection direction, string[]? types, int maxDepth)
    {
        var distance = new Dictionary<string, int> { [start] = 0 };
        var queue = new Queue<string>();
        queue.Enqueue(start);
        while (queue.Count > 0)
        {
            string node = queue.Dequeue();
            if (distance[node] == maxDepth)
            {
                continue;
            }

            foreach ((string from, string type, string to) in edges)
            {
                if (types is not null && !types.Contains(type))
                {
                    continue;
                }

                string? next = null;
                if (direction != GraphDirection.In && from == node)
                {
                    next = to;
                }

                if (next is null && direction != GraphDirection.Out && to == node)
                {
                    next = from;
                }

                if (next is not null && distance.TryAdd(next, distance[node] + 1))
                {
                    queue.Enqueue(next);
                }
            }
        }

        return distance;
    }

    private static void AssertValidPath(GraphStore graph, GraphPath path, string from, string to, GraphDirection direction, string[]? types)
    {
        Assert.Equal(from, path.NodeIds[0]);
        Assert.Equal(to, path.NodeIds[^1]);
        Assert.Equal(path.NodeIds.Count - 1, path.EdgeIds.Count);
        for (int i = 0; i < path.EdgeIds.Count; i++)
        {
            GraphEdge edge = graph.GetEdge(path.EdgeIds[i])!;
            bool forward = edge.From == path.NodeIds[i] && edge.To == path.NodeIds[i + 1];
            bool backward = edge.To == path.NodeIds[i] && edge.From == path.NodeIds[i + 1];
            Assert.True(direction switch
            {
                GraphDirection.Out => forward,
                GraphDirection.In => backward,
                _ => forward || backward,
            }, $"edge {edge} does not link {path.NodeIds[i]} to {path.NodeIds[i + 1]} going {direction}");
            if (types is not null)
            {
                Assert.Contains(edge.Type, types);
            }
        }
    }
}
