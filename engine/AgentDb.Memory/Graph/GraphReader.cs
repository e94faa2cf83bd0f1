namespace AgentDb.Memory.Graph;

/// <summary>Reads nodes, edges and adjacency from the graph's store: point reads and paged prefix scans, each bounded by the caller.</summary>
internal sealed class GraphReader
{
    private const int MaxScanPage = 100_000; // AgentDatabase's scan limit

    private readonly AgentDatabase _store;

    public GraphReader(AgentDatabase store) => _store = store;

    public AgentDatabase Store => _store;

    public bool TryGetNode(string id, out GraphNode node, out StoredRecord record)
    {
        if (_store.TryGet(GraphStore.NodesCollection, id, out StoredRecord? found))
        {
            record = found;
            node = GraphCodec.DecodeNode(found);
            return true;
        }

        node = null!;
        record = null!;
        return false;
    }

    public bool NodeExists(string id) => _store.TryGet(GraphStore.NodesCollection, id, out _);

    /// <summary>
    /// Appends to <paramref name="into"/> at most <paramref name="max"/> adjacency entries of <paramref name="node"/> in
    /// <paramref name="direction"/>, restricted to <paramref name="types"/> when given (each type once, in the order given;
    /// within a type, by neighbour id then edge id). With <see cref="GraphDirection.Both"/> a self-loop is read once (as
    /// out). Returns false when more entries exist than were read.
    /// </summary>
    public bool ReadAdjacency(string node, GraphDirection direction, IReadOnlyList<string>? types, int max, List<AdjacencyEntry> into, List<StoredRecord> scratch)
    {
        int start = into.Count;
        if (direction != GraphDirection.In && !ReadSide(node, GraphKeys.OutTag, types, max, into, scratch, skipSelfLoops: false))
        {
            return false;
        }

        if (direction != GraphDirection.Out)
        {
            int remaining = max - (into.Count - start);
            return ReadSide(node, GraphKeys.InTag, types, remaining, into, scratch, skipSelfLoops: direction == GraphDirection.Both);
        }

        return true;
    }

    /// <summary>
    /// Appends to <paramref name="into"/> at most <paramref name="max"/> records whose ids start with <paramref name="prefix"/>
    /// (which ends with '/'), beginning after <paramref name="after"/> when given. Returns false when more exist.
    /// </summary>
    public bool ScanPrefix(string collection, string prefix, string? after, int max, List<StoredRecord> into)
    {
        string upper = GraphKeys.UpperBound(prefix);
        string from = after is null ? prefix : GraphKeys.Successor(after);
        int added = 0;
        while (true)
        {
            int want = (int)Math.Min((long)max - added + 1, MaxScanPage);
            if (want <= 0)
            {
                return true;
            }

            IReadOnlyList<StoredRecord> page = _store.ScanRange(collection, from, upper, want);
            for (int i = 0; i < page.Count; i++)
            {
                if (added == max)
                {
                    return false;
                }

                into.Add(page[i]);
                added++;
            }

            if (page.Count < want)
            {
                return true;
            }

            from = GraphKeys.Successor(page[^1].Id);
        }
    }

    private bool ReadSide(string node, char tag, IReadOnlyList<string>? types, int max, List<AdjacencyEntry> into, List<StoredRecord> scratch, bool skipSelfLoops)
    {
        if (types is null)
        {
            return ReadPrefix(GraphKeys.NodePrefix(tag, node), node, tag, max, into, scratch, skipSelfLoops);
        }

        int start = into.Count;
        for (int t = 0; t < types.Count; t++)
        {
            if (!ReadPrefix(GraphKeys.TypedPrefix(tag, node, types[t]), node, tag, max - (into.Count - start), into, scratch, skipSelfLoops))
            {
                return false;
            }
        }

        return true;
    }

    private bool ReadPrefix(string prefix, string node, char tag, int max, List<AdjacencyEntry> into, List<StoredRecord> scratch, bool skipSelfLoops)
    {
        scratch.Clear();
        bool complete = ScanPrefix(GraphStore.AdjacencyCollection, prefix, after: null, max, scratch);
        GraphDirection direction = tag == GraphKeys.OutTag ? GraphDirection.Out : GraphDirection.In;
        for (int i = 0; i < scratch.Count; i++)
        {
            StoredRecord record = scratch[i];
            GraphKeys.ParseAdjacency(record.Id, out string type, out string other, out string edgeId);
            if (skipSelfLoops && string.Equals(other, node, StringComparison.Ordinal))
            {
                continue;
            }

            into.Add(direction == GraphDirection.Out
                ? new AdjacencyEntry(edgeId, type, node, other, direction, record)
                : new AdjacencyEntry(edgeId, type, other, node, direction, record));
        }

        scratch.Clear();
        return complete;
    }
}
