using AgentDb.Kernels;

namespace AgentDb.Index.Hnsw;

/// <summary>
/// The HNSW search, written once for every graph storage: generic over the storage (<c>TGraph</c> in
/// each method), the distance and the node filter, all structs, so each combination compiles to its own loop with the
/// kernel and the checks inlined. The metric is dispatched once per call, in <see cref="Search{TGraph}"/>.
/// </summary>
internal static class HnswSearch
{
    /// <summary>
    /// When an <see cref="IdSetFilter"/> allows fewer than this fraction of the live points, its ids are scanned exactly
    /// instead of walking the graph: a walk would visit about <c>ef / selectivity</c> nodes to find <c>ef</c> matches,
    /// the scan visits the matches only. Qdrant makes the same choice from its payload index's cardinality estimate.
    /// </summary>
    public const double ExactScanSelectivity = 0.05;

    /// <summary>
    /// The <paramref name="k"/> live points nearest to <paramref name="query"/> that <paramref name="filter"/> allows,
    /// written to <paramref name="results"/> by ascending distance; returns how many were written.
    /// <paramref name="query"/> must already be normalised for cosine. Arguments are the caller's to check.
    /// </summary>
    public static int Search<TGraph>(
        DistanceMetric metric,
        in TGraph graph,
        ReadOnlySpan<float> query,
        int k,
        int ef,
        IIdFilter? filter,
        Span<SearchHit> results,
        SearchScratch scratch)
        where TGraph : struct, IGraphView => metric switch
        {
            DistanceMetric.Cosine => Search<NormalizedCosineDistance, TGraph>(graph, query, k, ef, filter, results, scratch),
            DistanceMetric.L2Squared => Search<L2SquaredDistance, TGraph>(graph, query, k, ef, filter, results, scratch),
            _ => Search<NegativeDotDistance, TGraph>(graph, query, k, ef, filter, results, scratch),
        };

    /// <summary>
    /// Descends greedily from the entry point to level 0, then searches level 0 with breadth <paramref name="ef"/>:
    /// the best nodes <typeparamref name="TFilter"/> accepts are left in <see cref="SearchScratch.Results"/>.
    /// </summary>
    public static void SearchFromEntry<TDistance, TGraph, TFilter>(
        in TGraph graph, ReadOnlySpan<float> query, int ef, TFilter filter, SearchScratch scratch)
        where TDistance : struct, IVectorDistance
        where TGraph : struct, IGraphView
        where TFilter : struct, INodeFilter
    {
        int entry = graph.EntryPoint;
        float entryDistance = default(TDistance).Compute(query, graph.GetVector(entry));
        Span<int> buffer = scratch.Neighbors(graph.MaxDegree);
        for (int level = graph.MaxLevel; level > 0; level--)
        {
            entry = GreedyClosest<TDistance, TGraph>(graph, query, entry, ref entryDistance, level, buffer);
        }

        SearchLayer<TDistance, TGraph, TFilter>(graph, query, entry, entryDistance, 0, ef, filter, scratch);
    }

    /// <summary>
    /// Walks <paramref name="level"/> from <paramref name="entry"/> to a local minimum of the distance to
    /// <paramref name="query"/>, one best neighbour at a time (the upper-level search, ef = 1).
    /// </summary>
    public static int GreedyClosest<TDistance, TGraph>(
        in TGraph graph, ReadOnlySpan<float> query, int entry, ref float entryDistance, int level, Span<int> buffer)
        where TDistance : struct, IVectorDistance
        where TGraph : struct, IGraphView
    {
        TDistance distance = default;
        bool changed = true;
        while (changed)
        {
            changed = false;
            ReadOnlySpan<int> neighbors = graph.GetNeighbors(entry, level, buffer);
            for (int i = 0; i < neighbors.Length; i++)
            {
                int candidate = neighbors[i];
                float d = distance.Compute(query, graph.GetVector(candidate));
                if (d < entryDistance)
                {
                    entryDistance = d;
                    entry = candidate;
                    changed = true;
                }
            }
        }

        return entry;
    }

    /// <summary>
    /// The best-first search of one level (hnswlib's <c>searchBaseLayerST</c>): expands the nearest unexpanded
    /// candidate until the nearest is farther than the worst of <paramref name="ef"/> results. Nodes the filter rejects
    /// are expanded like any other (waypoints) but never enter the results; while fewer than <paramref name="ef"/> are
    /// accepted the search keeps going, so a selective filter still fills its results.
    /// </summary>
    public static void SearchLayer<TDistance, TGraph, TFilter>(
        in TGraph graph,
        ReadOnlySpan<float> query,
        int entry,
        float entryDistance,
        int level,
        int ef,
        TFilter filter,
        SearchScratch scratch)
        where TDistance : struct, IVectorDistance
        where TGraph : struct, IGraphView
        where TFilter : struct, INodeFilter
    {
        var start = new NodeDistance(entryDistance, entry);
        SearchLayer<TDistance, TGraph, TFilter>(graph, query, new ReadOnlySpan<NodeDistance>(in start), level, ef, filter, scratch);
    }

    /// <summary>
    /// <see cref="SearchLayer{TDistance, TGraph, TFilter}(in TGraph, ReadOnlySpan{float}, int, float, int, int, TFilter, SearchScratch)"/>
    /// from several entry points at once (distinct nodes with their distances), as the paper's insertion does with the
    /// results of the level above. <paramref name="entries"/> must not live in the scratch's heaps.
    /// </summary>
    public static void SearchLayer<TDistance, TGraph, TFilter>(
        in TGraph graph,
        ReadOnlySpan<float> query,
        ReadOnlySpan<NodeDistance> entries,
        int level,
        int ef,
        TFilter filter,
        SearchScratch scratch)
        where TDistance : struct, IVectorDistance
        where TGraph : struct, IGraphView
        where TFilter : struct, INodeFilter
    {
        TDistance distance = default;
        VisitedSet visited = scratch.Visited;
        DistanceMaxHeap results = scratch.Results;
        DistanceMaxHeap candidates = scratch.Candidates;
        Span<int> buffer = scratch.Neighbors(graph.MaxDegree);
        visited.Reset(graph.NodeBound);
        results.Clear();
        candidates.Clear();

        float bound = float.MaxValue;
        foreach (NodeDistance entry in entries)
        {
            if (!visited.TryVisit(entry.Node))
            {
                continue;
            }

            candidates.Push(-entry.Distance, entry.Node);
            if (filter.Accepts(graph, entry.Node) && (results.Count < ef || entry.Distance < bound))
            {
                if (results.Count < ef)
                {
                    results.Push(entry.Distance, entry.Node);
                }
                else
                {
                    results.ReplaceTop(entry.Distance, entry.Node);
                }

                bound = results.TopDistance;
            }
        }

        while (candidates.Count > 0)
        {
            NodeDistance nearest = candidates.Top;
            if (-nearest.Distance > bound && results.Count >= ef)
            {
                break;
            }

            candidates.Pop();
            ReadOnlySpan<int> neighbors = graph.GetNeighbors(nearest.Node, level, buffer);
            for (int i = 0; i < neighbors.Length; i++)
            {
                int candidate = neighbors[i];
                if (!visited.TryVisit(candidate))
                {
                    continue;
                }

                float d = distance.Compute(query, graph.GetVector(candidate));
                if (results.Count < ef || d < bound)
                {
                    candidates.Push(-d, candidate);
                    if (filter.Accepts(graph, candidate))
                    {
                        if (results.Count < ef)
                        {
                            results.Push(d, candidate);
                        }
                        else
                        {
                            results.ReplaceTop(d, candidate);
                        }

                        bound = results.TopDistance;
                    }
                }
            }
        }
    }

    private static int Search<TDistance, TGraph>(
        in TGraph graph, ReadOnlySpan<float> query, int k, int ef, IIdFilter? filter, Span<SearchHit> results, SearchScratch scratch)
        where TDistance : struct, IVectorDistance
        where TGraph : struct, IGraphView
    {
        if (graph.EntryPoint < 0)
        {
            return 0;
        }

        ef = Math.Max(ef, k);
        if (filter is null)
        {
            SearchFromEntry<TDistance, TGraph, LiveNodes>(graph, query, ef, default, scratch);
        }
        else if (filter is IdSetFilter set)
        {
            if (set.ScanExactly || set.Count < ExactScanSelectivity * graph.LiveCount)
            {
                ScanExactly<TDistance, TGraph>(graph, query, k, set, scratch.Results);
            }
            else
            {
                SearchFromEntry<TDistance, TGraph, LiveNodesInSet>(graph, query, ef, new LiveNodesInSet(set), scratch);
            }
        }
        else
        {
            SearchFromEntry<TDistance, TGraph, LiveNodesMatching>(graph, query, ef, new LiveNodesMatching(filter), scratch);
        }

        return WriteNearest(graph, scratch.Results, k, results);
    }

    /// <summary>Brute force over the filter's ids: exact, and cheap when they are few.</summary>
    private static void ScanExactly<TDistance, TGraph>(
        in TGraph graph, ReadOnlySpan<float> query, int k, IdSetFilter set, DistanceMaxHeap nearest)
        where TDistance : struct, IVectorDistance
        where TGraph : struct, IGraphView
    {
        TDistance distance = default;
        nearest.Clear();
        HashSet<long>.Enumerator ids = set.EnumerateIds();
        while (ids.MoveNext())
        {
            long id = ids.Current;
            if (!graph.TryGetNode(id, out int node) || graph.IsDeleted(node))
            {
                continue;
            }

            float d = distance.Compute(query, graph.GetVector(node));
            if (nearest.Count < k)
            {
                nearest.Push(d, node);
            }
            else if (d < nearest.TopDistance)
            {
                nearest.ReplaceTop(d, node);
            }
        }
    }

    /// <summary>Keeps the <paramref name="k"/> nearest of the heap and writes them, nearest first.</summary>
    private static int WriteNearest<TGraph>(in TGraph graph, DistanceMaxHeap nearest, int k, Span<SearchHit> results)
        where TGraph : struct, IGraphView
    {
        while (nearest.Count > k)
        {
            nearest.Pop();
        }

        int count = nearest.Count;
        for (int i = count - 1; i >= 0; i--)
        {
            NodeDistance hit = nearest.Pop();
            results[i] = new SearchHit(graph.GetId(hit.Node), hit.Distance);
        }

        return count;
    }
}
