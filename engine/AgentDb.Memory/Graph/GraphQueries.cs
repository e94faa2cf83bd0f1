using AgentDb.Memory.Provenance;
using AgentDb.Memory.Stores;

namespace AgentDb.Memory.Graph;

/// <summary>
/// The graph's read algorithms over a <see cref="GraphReader"/>: breadth-first traversal, bidirectional shortest path and
/// one-edge pattern matching. Every one is bounded by its options (results, distinct nodes, adjacency entries read) and
/// reports when a bound cut it short. Options arrive validated and normalised by <see cref="GraphStore"/>.
/// </summary>
internal static class GraphQueries
{
    private const int AnchorPage = 256;

    public static TraversalResult Traverse(GraphReader reader, string startId, TraversalOptions options, string[]? types)
    {
        if (!reader.NodeExists(startId))
        {
            throw new KeyNotFoundException($"The graph has no node '{startId}' to start the traversal from.");
        }

        var parents = new Dictionary<string, (string? Parent, string? Edge)>(StringComparer.Ordinal) { [startId] = (null, null) };
        var found = new List<TraversedNode>();
        List<StoredRecord>? records = options.WithCertificate ? new List<StoredRecord>() : null;
        var frontier = new List<string> { startId };
        var next = new List<string>();
        var entries = new List<AdjacencyEntry>();
        var scratch = new List<StoredRecord>();
        int edgesLeft = options.MaxEdgesScanned;
        bool truncated = false;
        for (int depth = 1; depth <= options.MaxDepth && frontier.Count > 0 && !truncated; depth++)
        {
            next.Clear();
            foreach (string node in frontier)
            {
                entries.Clear();
                bool complete = reader.ReadAdjacency(node, options.Direction, types, edgesLeft, entries, scratch);
                edgesLeft -= entries.Count;
                foreach (AdjacencyEntry entry in entries)
                {
                    string other = entry.Other;
                    if (parents.ContainsKey(other))
                    {
                        continue;
                    }

                    if (parents.Count >= options.MaxVisited)
                    {
                        truncated = true;
                        break;
                    }

                    parents.Add(other, (node, entry.EdgeId));
                    if (!reader.TryGetNode(other, out GraphNode reached, out StoredRecord record))
                    {
                        continue; // an edge left dangling by a concurrent delete
                    }

                    bool matches = options.NodeFilter.Matches(reached);
                    if (matches)
                    {
                        if (found.Count == options.Limit)
                        {
                            truncated = true;
                            break;
                        }

                        found.Add(new TraversedNode(reached, depth, options.IncludePaths ? PathTo(parents, other) : null));
                        records?.Add(record);
                    }

                    if (depth < options.MaxDepth && (matches || !options.ExpandOnlyMatching))
                    {
                        next.Add(other);
                    }
                }

                if (truncated || !complete)
                {
                    truncated = true;
                    break;
                }
            }

            (frontier, next) = (next, frontier);
        }

        return new TraversalResult(found.AsReadOnly(), truncated, parents.Count, Certify(records));
    }

    public static ShortestPathResult ShortestPath(GraphReader reader, string fromId, string toId, ShortestPathOptions options, string[]? types)
    {
        RequireNode(reader, fromId, "from");
        RequireNode(reader, toId, "to");
        if (string.Equals(fromId, toId, StringComparison.Ordinal))
        {
            return new ShortestPathResult(new GraphPath(new[] { fromId }.AsReadOnly(), Array.AsReadOnly(Array.Empty<string>())), Truncated: false, Visited: 1);
        }

        // Bidirectional BFS, one whole level at a time on the side with the smaller frontier. The first node found by
        // both sides closes a shortest path: before that level no node was common, so dF + dB > the levels done, and
        // every path found while finishing the next level has exactly that length.
        var forward = new Dictionary<string, (string? Parent, string? Edge)>(StringComparer.Ordinal) { [fromId] = (null, null) };
        var backward = new Dictionary<string, (string? Parent, string? Edge)>(StringComparer.Ordinal) { [toId] = (null, null) };
        var forwardFrontier = new List<string> { fromId };
        var backwardFrontier = new List<string> { toId };
        GraphDirection reverse = Reverse(options.Direction);
        var entries = new List<AdjacencyEntry>();
        var scratch = new List<StoredRecord>();
        int edgesLeft = options.MaxEdgesScanned;
        int levels = 0;
        while (levels < options.MaxDepth && forwardFrontier.Count > 0 && backwardFrontier.Count > 0)
        {
            bool isForward = forwardFrontier.Count <= backwardFrontier.Count;
            List<string> frontier = isForward ? forwardFrontier : backwardFrontier;
            Dictionary<string, (string? Parent, string? Edge)> mine = isForward ? forward : backward;
            Dictionary<string, (string? Parent, string? Edge)> theirs = isForward ? backward : forward;
            var next = new List<string>();
            foreach (string node in frontier)
            {
                entries.Clear();
                bool complete = reader.ReadAdjacency(node, isForward ? options.Direction : reverse, types, edgesLeft, entries, scratch);
                edgesLeft -= entries.Count;
                foreach (AdjacencyEntry entry in entries)
                {
                    string other = entry.Other;
                    if (mine.ContainsKey(other))
                    {
                        continue;
                    }

                    if (forward.Count + backward.Count >= options.MaxVisited)
                    {
                        return new ShortestPathResult(null, Truncated: true, forward.Count + backward.Count);
                    }

                    mine.Add(other, (node, entry.EdgeId));
                    if (theirs.ContainsKey(other))
                    {
                        return new ShortestPathResult(Join(forward, backward, other), Truncated: false, forward.Count + backward.Count);
                    }

                    next.Add(other);
                }

                if (!complete)
                {
                    return new ShortestPathResult(null, Truncated: true, forward.Count + backward.Count);
                }
            }

            if (isForward)
            {
                forwardFrontier = next;
            }
            else
            {
                backwardFrontier = next;
            }

            levels++;
        }

        return new ShortestPathResult(null, Truncated: false, forward.Count + backward.Count);
    }

    public static MatchResult Match(GraphReader reader, GraphPattern pattern, MatchOptions options, string[]? types)
    {
        // Anchor on a label when there is one: the label index lists its nodes without scanning every node.
        bool anchorIsFrom = true;
        string? anchorLabel = null;
        if (pattern.From.Labels is { Count: > 0 })
        {
            anchorLabel = pattern.From.Labels[0];
        }
        else if (pattern.To.Labels is { Count: > 0 })
        {
            anchorIsFrom = false;
            anchorLabel = pattern.To.Labels[0];
        }

        GraphNodeFilter anchorFilter = anchorIsFrom ? pattern.From : pattern.To;
        GraphNodeFilter otherFilter = anchorIsFrom ? pattern.To : pattern.From;
        GraphDirection direction = anchorIsFrom ? pattern.Direction : Reverse(pattern.Direction);
        var nodes = new Dictionary<string, (GraphNode? Node, StoredRecord? Record)>(StringComparer.Ordinal);
        var matches = new List<PatternMatch>();
        List<StoredRecord>? records = options.WithCertificate ? new List<StoredRecord>() : null;
        var anchors = new List<StoredRecord>(AnchorPage);
        var entries = new List<AdjacencyEntry>();
        var scratch = new List<StoredRecord>();
        int edgesLeft = options.MaxEdgesScanned;
        string? after = null;
        string labelPrefix = anchorLabel is null ? string.Empty : GraphKeys.LabelPrefix(anchorLabel);
        while (true)
        {
            anchors.Clear();
            bool lastPage;
            if (anchorLabel is null)
            {
                IReadOnlyList<StoredRecord> page = reader.Store.ScanRange(GraphStore.NodesCollection, after is null ? null : GraphKeys.Successor(after), null, AnchorPage);
                anchors.AddRange(page);
                lastPage = page.Count < AnchorPage;
            }
            else
            {
                lastPage = reader.ScanPrefix(GraphStore.LabelsCollection, labelPrefix, after, AnchorPage, anchors);
            }

            foreach (StoredRecord anchorRecord in anchors)
            {
                after = anchorRecord.Id;
                string anchorId = anchorLabel is null ? anchorRecord.Id : anchorRecord.Id[labelPrefix.Length..];
                if (!nodes.ContainsKey(anchorId) && nodes.Count >= options.MaxVisited)
                {
                    return Finish(matches, truncated: true, nodes.Count, records);
                }

                (GraphNode? anchor, StoredRecord? anchorStored) = anchorLabel is null
                    ? Remember(nodes, anchorId, GraphCodec.DecodeNode(anchorRecord), anchorRecord)
                    : Load(reader, nodes, anchorId);
                if (anchor is null || !anchorFilter.Matches(anchor))
                {
                    continue;
                }

                entries.Clear();
                bool complete = reader.ReadAdjacency(anchorId, direction, types, edgesLeft, entries, scratch);
                edgesLeft -= entries.Count;
                foreach (AdjacencyEntry entry in entries)
                {
                    if (pattern.EdgeProperties is { Count: > 0 } && !GraphNodeFilter.PropertiesMatch(pattern.EdgeProperties, GraphCodec.DecodeProperties(entry.Record)))
                    {
                        continue;
                    }

                    string otherId = entry.Other;
                    if (!nodes.ContainsKey(otherId) && nodes.Count >= options.MaxVisited)
                    {
                        return Finish(matches, truncated: true, nodes.Count, records);
                    }

                    (GraphNode? other, StoredRecord? otherStored) = Load(reader, nodes, otherId);
                    if (other is null || !otherFilter.Matches(other))
                    {
                        continue;
                    }

                    if (matches.Count == options.Limit)
                    {
                        return Finish(matches, truncated: true, nodes.Count, records);
                    }

                    GraphEdge edge = entry.ToEdge();
                    matches.Add(anchorIsFrom ? new PatternMatch(anchor, edge, other) : new PatternMatch(other, edge, anchor));
                    if (records is not null)
                    {
                        records.Add(anchorIsFrom ? anchorStored! : otherStored!);
                        records.Add(anchorIsFrom ? otherStored! : anchorStored!);
                    }
                }

                if (!complete)
                {
                    return Finish(matches, truncated: true, nodes.Count, records);
                }
            }

            if (lastPage)
            {
                return Finish(matches, truncated: false, nodes.Count, records);
            }
        }
    }

    public static GraphDirection Reverse(GraphDirection direction) => direction switch
    {
        GraphDirection.Out => GraphDirection.In,
        GraphDirection.In => GraphDirection.Out,
        _ => GraphDirection.Both,
    };

    public static RecallCertificate? Certify(List<StoredRecord>? records)
    {
        if (records is null)
        {
            return null;
        }

        var items = new CertifiedItem[records.Count];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = RecallCertificate.Certify(MemoryKind.Graph, 0, GraphStore.NodesCollection, records[i]);
        }

        return RecallCertificate.Create(items);
    }

    private static MatchResult Finish(List<PatternMatch> matches, bool truncated, int visited, List<StoredRecord>? records) =>
        new(matches.AsReadOnly(), truncated, visited, Certify(records));

    private static (GraphNode? Node, StoredRecord? Record) Load(GraphReader reader, Dictionary<string, (GraphNode? Node, StoredRecord? Record)> nodes, string id)
    {
        if (nodes.TryGetValue(id, out (GraphNode? Node, StoredRecord? Record) known))
        {
            return known;
        }

        (GraphNode? Node, StoredRecord? Record) loaded = reader.TryGetNode(id, out GraphNode node, out StoredRecord record) ? (node, record) : (null, null);
        nodes.Add(id, loaded);
        return loaded;
    }

    private static (GraphNode? Node, StoredRecord? Record) Remember(Dictionary<string, (GraphNode? Node, StoredRecord? Record)> nodes, string id, GraphNode node, StoredRecord record)
    {
        nodes[id] = (node, record);
        return (node, record);
    }

    private static void RequireNode(GraphReader reader, string id, string role)
    {
        if (!reader.NodeExists(id))
        {
            throw new KeyNotFoundException($"The graph has no node '{id}' (the path's {role} end).");
        }
    }

    private static GraphPath PathTo(Dictionary<string, (string? Parent, string? Edge)> parents, string end)
    {
        var nodeIds = new List<string>();
        var edgeIds = new List<string>();
        string? current = end;
        while (current is not null)
        {
            nodeIds.Add(current);
            (string? parent, string? edge) = parents[current];
            if (edge is not null)
            {
                edgeIds.Add(edge);
            }

            current = parent;
        }

        nodeIds.Reverse();
        edgeIds.Reverse();
        return new GraphPath(nodeIds.AsReadOnly(), edgeIds.AsReadOnly());
    }

    private static GraphPath Join(Dictionary<string, (string? Parent, string? Edge)> forward, Dictionary<string, (string? Parent, string? Edge)> backward, string meeting)
    {
        GraphPath head = PathTo(forward, meeting);
        var nodeIds = new List<string>(head.NodeIds);
        var edgeIds = new List<string>(head.EdgeIds);
        string current = meeting;
        while (backward[current] is (string parent, string edge))
        {
            nodeIds.Add(parent);
            edgeIds.Add(edge);
            current = parent;
        }

        return new GraphPath(nodeIds.AsReadOnly(), edgeIds.AsReadOnly());
    }
}
