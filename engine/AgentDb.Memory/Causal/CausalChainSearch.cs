using AgentDb.Memory.Provenance;
using AgentDb.Memory.Stores;

namespace AgentDb.Memory.Causal;

/// <summary>
/// The strongest-chain search behind <see cref="CausalMemory.GetCausalChain(string, string, CausalChainOptions?)"/>:
/// best-first (Dijkstra) over states (node, hops) with cost Σ −log(confidence), so the first time the target is taken
/// from the queue its path has the largest product of confidences among paths of at most MaxDepth edges.
/// </summary>
/// <remarks>
/// Costs are never negative (confidence ≤ 1), so states leave the queue in cost order. A state (n, h) is dropped when n
/// was already expanded with at most h hops: that earlier state cost no more and had no fewer hops left, so anything
/// reachable from the later one is reachable at least as cheaply from the earlier. Each node is therefore expanded at
/// most MaxDepth times, and cycles end there.
/// </remarks>
internal static class CausalChainSearch
{
    private const int TargetNode = 1;

    public static CausalChain Run(AgentDatabase store, string from, string to, CausalChainOptions options)
    {
        if (string.Equals(from, to, StringComparison.Ordinal))
        {
            return new CausalChain(true, [], 1.0, false, 0, options.WithCertificate ? RecallCertificate.Create([]) : null);
        }

        var nodeIndex = new Dictionary<string, int>(StringComparer.Ordinal) { [from] = 0, [to] = TargetNode };
        var nodeNames = new List<string> { from, to };
        var expandedAtHops = new List<int> { int.MaxValue, int.MaxValue };
        var states = new List<State> { new(0, 0, 0.0, -1, null) };
        var queue = new PriorityQueue<int, Priority>();
        queue.Enqueue(0, new Priority(0.0, 0, 0));
        var edges = new List<StoredRecord>();
        int expanded = 0;
        bool truncated = false;
        int found = -1;
        while (queue.TryDequeue(out int current, out _))
        {
            State state = states[current];
            if (state.Node == TargetNode)
            {
                found = current;
                break;
            }

            if (state.Hops >= expandedAtHops[state.Node])
            {
                continue;
            }

            expandedAtHops[state.Node] = state.Hops;
            if (state.Hops == options.MaxDepth)
            {
                continue;
            }

            if (expanded == options.MaxExpandedNodes)
            {
                truncated = true;
                break;
            }

            expanded++;
            edges.Clear();
            CausalMemory.ScanNode(store, CausalMemory.OutgoingCollection, CausalEdgeCodec.NodePrefix(nodeNames[state.Node]), edges);
            int hops = state.Hops + 1;
            for (int e = 0; e < edges.Count; e++)
            {
                CausalEdgeCodec.ReadSummary(edges[e], CausalMemory.OutgoingCollection, readTo: true, out string? target, out double uplift, out double confidence);
                if (confidence <= 0 || confidence < options.MinConfidence || uplift < options.MinUplift)
                {
                    continue;
                }

                if (!nodeIndex.TryGetValue(target!, out int next))
                {
                    next = nodeNames.Count;
                    nodeIndex.Add(target!, next);
                    nodeNames.Add(target!);
                    expandedAtHops.Add(int.MaxValue);
                }
                else if (hops >= expandedAtHops[next])
                {
                    continue;
                }

                double cost = state.Cost - Math.Log(confidence);
                states.Add(new State(next, hops, cost, current, edges[e]));
                queue.Enqueue(states.Count - 1, new Priority(cost, hops, states.Count - 1));
            }
        }

        if (found < 0)
        {
            return new CausalChain(false, [], 0.0, truncated, expanded, options.WithCertificate ? RecallCertificate.Create([]) : null);
        }

        int length = states[found].Hops;
        var path = new CausalEdge[length];
        var certified = options.WithCertificate ? new CertifiedItem[length] : null;
        double strength = 1.0;
        for (int s = found, i = length - 1; i >= 0; s = states[s].Parent, i--)
        {
            StoredRecord record = states[s].Edge!;
            path[i] = CausalEdgeCodec.Decode(record, CausalMemory.OutgoingCollection, CausalEdgeCodec.EdgeIdOfAdjacencyKey(record.Id));
            if (certified is not null)
            {
                certified[i] = RecallCertificate.Certify(MemoryKind.Causal, 0, CausalMemory.OutgoingCollection, record);
            }
        }

        for (int i = 0; i < length; i++)
        {
            strength *= path[i].Confidence;
        }

        return new CausalChain(true, path, strength, false, expanded, certified is null ? null : RecallCertificate.Create(certified));
    }

    private readonly record struct State(int Node, int Hops, double Cost, int Parent, StoredRecord? Edge);

    /// <summary>Queue order: cheaper first, then fewer hops, then first queued (so equal inputs give equal answers).</summary>
    private readonly record struct Priority(double Cost, int Hops, int Sequence) : IComparable<Priority>
    {
        public int CompareTo(Priority other)
        {
            int order = Cost.CompareTo(other.Cost);
            if (order != 0)
            {
                return order;
            }

            order = Hops.CompareTo(other.Hops);
            return order != 0 ? order : Sequence.CompareTo(other.Sequence);
        }
    }
}
