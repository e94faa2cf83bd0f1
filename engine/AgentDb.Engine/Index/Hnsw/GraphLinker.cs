using System.Collections.Concurrent;
using AgentDb.Kernels;

namespace AgentDb.Index.Hnsw;

/// <summary>
/// Links a node, whose vector and level are already stored, into the mutable graph (hnswlib's <c>addPoint</c> and
/// <c>mutuallyConnectNewElement</c>): searches each of its levels from the top, keeps neighbours chosen by the
/// heuristic of the HNSW paper (hnswlib's <c>getNeighborsByHeuristic2</c>), and links back from each neighbour,
/// pruning that neighbour's list with the same heuristic when it is full. Safe to run on many threads at once.
/// </summary>
/// <remarks>
/// Invariant: a node is reachable only once its own lists on every level are written. The links back to it are made
/// after its last level (level 0) is chosen, not level by level: a link back on level 1 made before the node had its
/// level-0 list let concurrent inserts descend to it and find nothing below it, and they then linked only to it and to
/// each other, far from their true neighbours (an island that self-searches at k = 10 missed). hnswlib gets the same
/// guarantee by holding the new node's lock for its whole insertion.
/// </remarks>
internal sealed class GraphLinker(ConcurrentDictionary<long, int> nodesById, GraphEntryPoint entryPoint, int efConstruction)
{
    /// <summary>
    /// For tests: called with (node, level) once a node being inserted has its own list on that level, before the next
    /// level is searched; lets a test hold an insertion half-done while others run.
    /// </summary>
    internal Action<int, int>? LevelConnected { get; set; }

    public void Link<TDistance>(GraphStorage storage, int node, SearchScratch scratch)
        where TDistance : struct, IVectorDistance
    {
        int level = storage.Levels[node];
        bool holdsEntryLock = false;
        try
        {
            long entry = entryPoint.Read();
            if (GraphEntryPoint.LevelOf(entry) < level)
            {
                // This node may become the entry point: hold the lock for the whole insertion, so no other insert
                // raises the top level meanwhile (rare: one node in M per level).
                Monitor.Enter(entryPoint.Lock, ref holdsEntryLock);
                entry = entryPoint.Read();
                if (GraphEntryPoint.LevelOf(entry) >= level)
                {
                    Monitor.Exit(entryPoint.Lock);
                    holdsEntryLock = false;
                }
            }

            int current = GraphEntryPoint.NodeOf(entry);
            int maxLevel = GraphEntryPoint.LevelOf(entry);
            if (current < 0)
            {
                entryPoint.Publish(node, level);
                return;
            }

            LinkBelow<TDistance>(storage, node, level, current, maxLevel, scratch);
            if (level > maxLevel)
            {
                entryPoint.Publish(node, level);
            }
        }
        finally
        {
            if (holdsEntryLock)
            {
                Monitor.Exit(entryPoint.Lock);
            }
        }
    }

    private void LinkBelow<TDistance>(GraphStorage storage, int node, int level, int entry, int maxLevel, SearchScratch scratch)
        where TDistance : struct, IVectorDistance
    {
        var view = new MutableGraphView(storage, nodesById, entry, maxLevel, liveCount: 0);
        ReadOnlySpan<float> vector = storage.GetVector(node);
        int current = entry;
        float currentDistance = default(TDistance).Compute(vector, storage.GetVector(current));
        Span<int> buffer = scratch.Neighbors(storage.MaxDegree0);
        for (int l = maxLevel; l > level; l--)
        {
            current = HnswSearch.GreedyClosest<TDistance, MutableGraphView>(view, vector, current, ref currentDistance, l, buffer);
        }

        // Each level is searched from all the neighbours chosen on the level above (the paper's ep <- W; hnswlib takes
        // the nearest only): a concurrent insert may have left one of them without links on this level yet.
        // The neighbours chosen on each level are kept (M per level) and linked back only once every level has its
        // own list: see the class remarks.
        int top = Math.Min(level, maxLevel);
        Span<NodeDistance> chosenByLevel = scratch.ChosenByLevel((top + 1) * storage.M);
        Span<int> chosenCounts = stackalloc int[top + 1];
        var start = new NodeDistance(currentDistance, current);
        ReadOnlySpan<NodeDistance> entries = new(in start);
        for (int l = top; l >= 0; l--)
        {
            HnswSearch.SearchLayer<TDistance, MutableGraphView, LiveNodes>(view, vector, entries, l, efConstruction, default, scratch);
            if (scratch.Results.Count == 0)
            {
                // Everything reachable was deleted: link to the waypoints rather than leave the node unreachable.
                foreach (NodeDistance waypoint in entries)
                {
                    scratch.Results.Push(waypoint.Distance, waypoint.Node);
                }
            }

            ReadOnlySpan<NodeDistance> chosen = Connect<TDistance>(storage, node, l, scratch);
            LevelConnected?.Invoke(node, l);
            Span<NodeDistance> kept = chosenByLevel.Slice(l * storage.M, chosen.Length);
            chosen.CopyTo(kept);
            chosenCounts[l] = chosen.Length;
            if (!chosen.IsEmpty)
            {
                entries = kept;
            }
        }

        for (int l = top; l >= 0; l--)
        {
            int maxDegree = l == 0 ? storage.MaxDegree0 : storage.M;
            foreach (NodeDistance neighbor in chosenByLevel.Slice(l * storage.M, chosenCounts[l]))
            {
                LinkBack<TDistance>(storage, neighbor.Node, node, neighbor.Distance, l, maxDegree, scratch);
            }
        }
    }

    /// <summary>
    /// Gives <paramref name="node"/> its links on <paramref name="level"/> from the search results in the scratch and
    /// returns the chosen neighbours (at most M), nearest first, in the scratch's selection buffer. The caller links them
    /// back once every level is done.
    /// </summary>
    private static ReadOnlySpan<NodeDistance> Connect<TDistance>(GraphStorage storage, int node, int level, SearchScratch scratch)
        where TDistance : struct, IVectorDistance
    {
        DistanceMaxHeap results = scratch.Results;
        Span<NodeDistance> chosen = scratch.Selected(results.Count);
        int count = 0;
        while (results.Count > 0)
        {
            NodeDistance found = results.Pop();

            // A concurrent insert may have linked this node already on a lower level, so a search can meet it.
            if (found.Node != node)
            {
                chosen[count++] = found;
            }
        }

        chosen = chosen[..count];
        chosen.Reverse(); // the heap popped farthest first
        count = SelectByHeuristic<TDistance>(storage, chosen, storage.M);
        if (count == 0)
        {
            return default;
        }

        int maxDegree = level == 0 ? storage.MaxDegree0 : storage.M;
        WriteOwnList<TDistance>(storage, node, level, maxDegree, chosen[..count], scratch);
        return chosen[..count];
    }

    /// <summary>
    /// Sets the list of a node being inserted to its chosen neighbours. Links found already in the list are kept (pruned
    /// with the heuristic if too many), since overwriting them could leave another insert without any incoming link;
    /// with the links back made only after every level (class remarks) none should be there, so this is a safeguard.
    /// </summary>
    private static void WriteOwnList<TDistance>(
        GraphStorage storage, int node, int level, int maxDegree, ReadOnlySpan<NodeDistance> chosen, SearchScratch scratch)
        where TDistance : struct, IVectorDistance
    {
        storage.Lock(node);
        try
        {
            Span<int> list = storage.LockedList(node, level);
            int existing = list[0];
            if (existing == 0)
            {
                for (int i = 0; i < chosen.Length; i++)
                {
                    list[1 + i] = chosen[i].Node;
                }

                list[0] = chosen.Length;
                return;
            }

            TDistance measure = default;
            ReadOnlySpan<float> vector = storage.GetVector(node);
            Span<NodeDistance> merged = scratch.PruneCandidates(chosen.Length + existing);
            chosen.CopyTo(merged);
            int count = chosen.Length;
            for (int i = 0; i < existing; i++)
            {
                int other = list[1 + i];
                if (!Contains(chosen, other))
                {
                    merged[count++] = new NodeDistance(measure.Compute(vector, storage.GetVector(other)), other);
                }
            }

            merged = merged[..count];
            if (count > maxDegree)
            {
                merged.Sort(default(NodeDistanceAscending));
                count = SelectByHeuristic<TDistance>(storage, merged, maxDegree);
            }

            for (int i = 0; i < count; i++)
            {
                list[1 + i] = merged[i].Node;
            }

            list[0] = count;
        }
        finally
        {
            storage.Unlock(node);
        }
    }

    private static bool Contains(ReadOnlySpan<NodeDistance> nodes, int node)
    {
        foreach (NodeDistance entry in nodes)
        {
            if (entry.Node == node)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Adds <paramref name="node"/> to the list of <paramref name="neighbor"/>, pruning it if it is full.</summary>
    private static void LinkBack<TDistance>(
        GraphStorage storage, int neighbor, int node, float distance, int level, int maxDegree, SearchScratch scratch)
        where TDistance : struct, IVectorDistance
    {
        storage.Lock(neighbor);
        try
        {
            Span<int> list = storage.LockedList(neighbor, level);
            int count = list[0];
            Span<int> links = list.Slice(1, count);
            if (links.Contains(node))
            {
                return;
            }

            if (count < maxDegree)
            {
                list[1 + count] = node;
                list[0] = count + 1;
                return;
            }

            TDistance measure = default;
            ReadOnlySpan<float> neighborVector = storage.GetVector(neighbor);
            Span<NodeDistance> candidates = scratch.PruneCandidates(count + 1)[..(count + 1)];
            candidates[0] = new NodeDistance(distance, node);
            for (int i = 0; i < count; i++)
            {
                candidates[1 + i] = new NodeDistance(measure.Compute(neighborVector, storage.GetVector(links[i])), links[i]);
            }

            candidates.Sort(default(NodeDistanceAscending));
            int kept = SelectByHeuristic<TDistance>(storage, candidates, maxDegree);
            for (int i = 0; i < kept; i++)
            {
                list[1 + i] = candidates[i].Node;
            }

            list[0] = kept;
        }
        finally
        {
            storage.Unlock(neighbor);
        }
    }

    /// <summary>
    /// Keeps, in place at the front of <paramref name="ascending"/> (sorted nearest first), at most
    /// <paramref name="maxCount"/> candidates each nearer to the base than to every candidate kept before it: links that
    /// point in different directions, which keeps clusters connected. Returns how many were kept.
    /// </summary>
    private static int SelectByHeuristic<TDistance>(GraphStorage storage, Span<NodeDistance> ascending, int maxCount)
        where TDistance : struct, IVectorDistance
    {
        if (ascending.Length < maxCount)
        {
            return ascending.Length;
        }

        TDistance measure = default;
        int kept = 0;
        for (int i = 0; i < ascending.Length && kept < maxCount; i++)
        {
            NodeDistance candidate = ascending[i];
            ReadOnlySpan<float> candidateVector = storage.GetVector(candidate.Node);
            bool diverse = true;
            for (int j = 0; j < kept; j++)
            {
                if (measure.Compute(storage.GetVector(ascending[j].Node), candidateVector) < candidate.Distance)
                {
                    diverse = false;
                    break;
                }
            }

            if (diverse)
            {
                ascending[kept++] = candidate;
            }
        }

        return kept;
    }
}
