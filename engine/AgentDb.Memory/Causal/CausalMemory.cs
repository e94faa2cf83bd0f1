using System.Text;
using AgentDb.Memory.Caching;
using AgentDb.Memory.Provenance;
using AgentDb.Memory.Reflexion;
using AgentDb.Memory.Stores;

namespace AgentDb.Memory.Causal;

/// <summary>
/// Causal memory: edges "memory A changes outcome B by an uplift, with a confidence" between memories named by id
/// (typically reflexion episode ids, but any memory id), the effects of an intervention, the causes of an outcome, the
/// strongest causal chain between two memories, and causal recall (episodes ranked by similarity plus uplift).
/// Thread-safe.
/// </summary>
/// <remarks>
/// <para>
/// Storage (all in the causal store, <see cref="MemoryKind.Causal"/>): every edge is one record in
/// <see cref="Collection"/> under its edge id, plus the same bytes under an adjacency key in
/// <see cref="OutgoingCollection"/> (keyed by its cause) and <see cref="IncomingCollection"/> (keyed by its effect), all
/// three written in one atomic batch. Effects of X and causes of Y are therefore prefix scans, never full scans.
/// </para>
/// <para>
/// The edge id is derived from (from, to, mechanism) (<see cref="EdgeId"/>), so adding the same triple again replaces
/// the edge: its uplift, confidence, sample size and evidence become the new ones (evidence is replaced, not merged)
/// and its creation time is kept. Self-loops (from = to) are refused. Memory ids are not checked for existence: an edge
/// may name a memory that is written later or lives elsewhere.
/// </para>
/// <para>Reads go through the query cache (scope <see cref="MemoryScope.Causal"/>; causal recall also
/// <see cref="MemoryScope.Reflexion"/>), and every write invalidates it before returning.</para>
/// </remarks>
public sealed class CausalMemory
{
    /// <summary>The collection of edges, keyed by edge id.</summary>
    public const string Collection = "mem.causal";

    /// <summary>The forward adjacency: each edge keyed by its cause's id, then the edge id.</summary>
    public const string OutgoingCollection = "mem.causal.out";

    /// <summary>The reverse adjacency: each edge keyed by its effect's id, then the edge id.</summary>
    public const string IncomingCollection = "mem.causal.in";

    /// <summary>The reflexion episodes collection causal recall searches (in every reflexion shard).</summary>
    public const string EpisodesCollection = ReflexionMemory.Collection;

    /// <summary>
    /// The longest memory id an edge may name, in UTF-8 bytes (475): an adjacency key is a 3-character length prefix, the
    /// memory id and the 34-character edge id, within the store's 512-byte id limit.
    /// </summary>
    public const int MaxMemoryIdBytes = AgentDatabase.MaxIdBytes - CausalEdgeCodec.LengthPrefixLength - CausalEdgeCodec.EdgeIdLength;

    /// <summary>The longest mechanism, in UTF-8 bytes.</summary>
    public const int MaxMechanismBytes = 1024;

    /// <summary>The most evidence ids one edge may carry.</summary>
    public const int MaxEvidenceIds = 256;

    private const int ScanPage = 1024;
    private readonly MemoryContext _context;

    internal CausalMemory(MemoryContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        context.EnsureCollection(MemoryKind.Causal, Collection, 1);
        context.EnsureCollection(MemoryKind.Causal, OutgoingCollection, 1);
        context.EnsureCollection(MemoryKind.Causal, IncomingCollection, 1);
    }

    private AgentDatabase Store => _context.Stores.Store(MemoryKind.Causal);

    /// <summary>The id of the edge (from, to, mechanism): "ce" and 32 hex digits of SHA-256 over the three strings.</summary>
    /// <exception cref="ArgumentException">An id is empty or too long, or the mechanism is too long.</exception>
    public static string EdgeId(string from, string to, string? mechanism)
    {
        CheckMemoryId(from, nameof(from));
        CheckMemoryId(to, nameof(to));
        return CausalEdgeCodec.EdgeId(from, to, CheckMechanism(mechanism));
    }

    /// <summary>
    /// Adds the edge "<paramref name="from"/> causes <paramref name="to"/>", or replaces the edge with the same
    /// (from, to, mechanism). Returns the edge id. Durable per the causal store's durability mode when it returns.
    /// </summary>
    /// <param name="from">The cause (intervention) memory id.</param>
    /// <param name="to">The effect (outcome) memory id; not <paramref name="from"/>.</param>
    /// <param name="mechanism">How the cause acts; null or empty for unspecified (one mechanism like any other).</param>
    /// <param name="uplift">The estimated change in the outcome; finite.</param>
    /// <param name="confidence">Belief in the effect, in [0, 1].</param>
    /// <param name="sampleSize">Observations behind the estimate; ≥ 0.</param>
    /// <param name="evidenceIds">Ids of supporting memories (at most <see cref="MaxEvidenceIds"/>, each 1 to 512 UTF-8 bytes); null for none.</param>
    /// <exception cref="ArgumentException">An id is empty, too long or the same for both ends; the mechanism is too long; an evidence id is bad.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The uplift is not finite, the confidence is outside [0, 1], the sample size is negative, or there are too many evidence ids.</exception>
    public string AddEdge(string from, string to, string? mechanism, double uplift, double confidence, long sampleSize = 0, IReadOnlyList<string>? evidenceIds = null)
    {
        var writes = new MemoryWriteSet();
        string id = StageAddEdge(writes, from, to, mechanism, uplift, confidence, sampleSize, evidenceIds);
        writes.Commit(_context.Cache, requireSingleStore: true);
        return id;
    }

    /// <summary>The asynchronous form of <see cref="AddEdge"/>.</summary>
    /// <exception cref="ArgumentException">As for <see cref="AddEdge"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As for <see cref="AddEdge"/>.</exception>
    public async ValueTask<string> AddEdgeAsync(
        string from, string to, string? mechanism, double uplift, double confidence, long sampleSize = 0, IReadOnlyList<string>? evidenceIds = null, CancellationToken cancellationToken = default)
    {
        var writes = new MemoryWriteSet();
        string id = StageAddEdge(writes, from, to, mechanism, uplift, confidence, sampleSize, evidenceIds);
        await writes.CommitAsync(_context.Cache, requireSingleStore: true, cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <summary>Removes the edge (from, to, mechanism). Returns whether it existed.</summary>
    /// <exception cref="ArgumentException">An id is empty or too long, or the mechanism is too long.</exception>
    public bool RemoveEdge(string from, string to, string? mechanism)
    {
        string id = EdgeId(from, to, mechanism);
        if (Store.Get(Collection, id) is null)
        {
            return false;
        }

        var writes = new MemoryWriteSet();
        StageRemoveEdge(writes, from, to, mechanism);
        writes.Commit(_context.Cache, requireSingleStore: true);
        return true;
    }

    /// <summary>The asynchronous form of <see cref="RemoveEdge"/>: waits for the commit without blocking a thread.</summary>
    /// <exception cref="ArgumentException">As for <see cref="RemoveEdge"/>.</exception>
    public async ValueTask<bool> RemoveEdgeAsync(string from, string to, string? mechanism, CancellationToken cancellationToken = default)
    {
        string id = EdgeId(from, to, mechanism);
        if (Store.Get(Collection, id) is null)
        {
            return false;
        }

        var writes = new MemoryWriteSet();
        StageRemoveEdge(writes, from, to, mechanism);
        await writes.CommitAsync(_context.Cache, requireSingleStore: true, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The edge (from, to, mechanism), or null when there is none.</summary>
    /// <exception cref="ArgumentException">An id is empty or too long, or the mechanism is too long.</exception>
    /// <exception cref="InvalidDataException">The stored edge is malformed.</exception>
    public CausalEdge? GetEdge(string from, string to, string? mechanism)
    {
        string id = EdgeId(from, to, mechanism);
        StoredRecord? record = Store.Get(Collection, id);
        return record is null ? null : CausalEdgeCodec.Decode(record, Collection, id);
    }

    /// <summary>
    /// The effects of intervention <paramref name="interventionId"/>: its outgoing edges that pass the options'
    /// thresholds, ordered by uplift × confidence descending (then edge id). An unknown id has no effects.
    /// </summary>
    /// <exception cref="ArgumentException">The id is empty or too long.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public CausalEdgeQueryResult QueryEffects(string interventionId, CausalEdgeQueryOptions? options = null) =>
        QueryEdges(outgoing: true, interventionId, options ?? new CausalEdgeQueryOptions());

    /// <summary>The effects of <paramref name="interventionId"/> with confidence ≥ <paramref name="minConfidence"/> and uplift ≥ <paramref name="minUplift"/>.</summary>
    /// <exception cref="ArgumentException">The id is empty or too long.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A threshold is out of range.</exception>
    public CausalEdgeQueryResult QueryEffects(string interventionId, double minConfidence, double minUplift) =>
        QueryEffects(interventionId, new CausalEdgeQueryOptions { MinConfidence = minConfidence, MinUplift = minUplift });

    /// <summary>
    /// The causes of outcome <paramref name="outcomeId"/>: its incoming edges that pass the options' thresholds, ordered
    /// by uplift × confidence descending (then edge id). An unknown id has no causes.
    /// </summary>
    /// <exception cref="ArgumentException">The id is empty or too long.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public CausalEdgeQueryResult GetCausesOf(string outcomeId, CausalEdgeQueryOptions? options = null) =>
        QueryEdges(outgoing: false, outcomeId, options ?? new CausalEdgeQueryOptions());

    /// <summary>The causes of <paramref name="outcomeId"/> with confidence ≥ <paramref name="minConfidence"/> and uplift ≥ <paramref name="minUplift"/>.</summary>
    /// <exception cref="ArgumentException">The id is empty or too long.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A threshold is out of range.</exception>
    public CausalEdgeQueryResult GetCausesOf(string outcomeId, double minConfidence, double minUplift) =>
        GetCausesOf(outcomeId, new CausalEdgeQueryOptions { MinConfidence = minConfidence, MinUplift = minUplift });

    /// <summary>
    /// The strongest causal chain from <paramref name="from"/> to <paramref name="to"/> of at most
    /// <see cref="CausalChainOptions.MaxDepth"/> edges: the path maximising the product of confidences (a best-first
    /// search over −log confidence, exact within the depth limit), not the shortest. Cycles are harmless. The search
    /// reads at most <see cref="CausalChainOptions.MaxExpandedNodes"/> nodes' edges and says so when it stops there.
    /// </summary>
    /// <exception cref="ArgumentException">An id is empty or too long.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public CausalChain GetCausalChain(string from, string to, CausalChainOptions? options = null)
    {
        CheckMemoryId(from, nameof(from));
        CheckMemoryId(to, nameof(to));
        options ??= new CausalChainOptions();
        options.Validate();
        var builder = new QueryKeyBuilder("causal.chain");
        try
        {
            builder.Add(from);
            builder.Add(to);
            builder.Add(options.MaxDepth);
            builder.Add(options.MinConfidence);
            builder.Add(options.MinUplift);
            builder.Add(options.MaxExpandedNodes);
            builder.Add(options.WithCertificate);
            QueryKey key = builder.Build();
            return _context.Cache.GetOrCompute(
                MemoryScope.Causal, key, (Self: this, From: from, To: to, Options: options), static s => CausalChainSearch.Run(s.Self.Store, s.From, s.To, s.Options));
        }
        finally
        {
            builder.Dispose();
        }
    }

    /// <summary>The strongest chain from <paramref name="from"/> to <paramref name="to"/> of at most <paramref name="maxDepth"/> edges.</summary>
    /// <exception cref="ArgumentException">An id is empty or too long.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The depth is out of range.</exception>
    public CausalChain GetCausalChain(string from, string to, int maxDepth) =>
        GetCausalChain(from, to, new CausalChainOptions { MaxDepth = maxDepth });

    /// <summary>Causal recall by text (embedded with the memory's embedder); see <see cref="CausalRecall(string?, ReadOnlyMemory{float}, CausalRecallOptions?)"/>.</summary>
    /// <exception cref="ArgumentException">The text is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public CausalRecallResult CausalRecall(string text, CausalRecallOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return CausalRecall(text, default, options);
    }

    /// <summary>Causal recall by a caller's vector; see <see cref="CausalRecall(string?, ReadOnlyMemory{float}, CausalRecallOptions?)"/>.</summary>
    /// <exception cref="ArgumentException">The vector is empty, has the wrong dimension or holds a non-finite value.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public CausalRecallResult CausalRecall(ReadOnlyMemory<float> vector, CausalRecallOptions? options = null)
    {
        if (vector.IsEmpty)
        {
            throw new ArgumentException("The query vector is empty.", nameof(vector));
        }

        return CausalRecall(null, vector, options);
    }

    /// <summary>
    /// Recalls the episodes most worth acting on: the <c>K × CandidateFactor</c> nearest episodes across every reflexion
    /// shard are scored α · similarity + β · uplift, where a memory's uplift is the largest uplift among its outgoing
    /// edges with confidence ≥ <see cref="CausalRecallOptions.MinConfidence"/> (into <see cref="CausalRecallOptions.Target"/>
    /// when set), or 0 when it has none; the top K are returned with both components.
    /// </summary>
    /// <param name="text">Text to embed, used when <paramref name="vector"/> is empty.</param>
    /// <param name="vector">The query vector (the embedder's dimension), or empty to embed <paramref name="text"/>.</param>
    /// <param name="options">Ranking options; null for the defaults.</param>
    /// <exception cref="ArgumentException">Neither text nor vector is given, the vector has the wrong dimension or holds a non-finite value, or the target id is bad.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public CausalRecallResult CausalRecall(string? text, ReadOnlyMemory<float> vector, CausalRecallOptions? options)
    {
        options ??= new CausalRecallOptions();
        options.Validate();
        float[] query = _context.VectorFor(text, vector, nameof(vector));
        for (int i = 0; i < query.Length; i++)
        {
            if (!float.IsFinite(query[i]))
            {
                throw new ArgumentException($"The query vector holds a non-finite value at index {i}.", nameof(vector));
            }
        }

        var builder = new QueryKeyBuilder("causal.recall");
        try
        {
            builder.Add(query);
            builder.Add(options.K);
            builder.Add(options.SimilarityWeight);
            builder.Add(options.UpliftWeight);
            builder.Add(options.MinConfidence);
            builder.Add(options.Target);
            builder.Add(options.CandidateFactor);
            builder.Add(options.WithCertificate);
            QueryKey key = builder.Build();
            return _context.Cache.GetOrCompute(
                MemoryScope.Causal | MemoryScope.Reflexion, key, (Self: this, Query: query, Options: options), static s => s.Self.ComputeRecall(s.Query, s.Options));
        }
        finally
        {
            builder.Dispose();
        }
    }

    /// <summary>Validates and stages an edge (see <see cref="AddEdge"/>) without committing. Returns the edge id.</summary>
    internal string StageAddEdge(MemoryWriteSet writes, string from, string to, string? mechanism, double uplift, double confidence, long sampleSize, IReadOnlyList<string>? evidenceIds)
    {
        ArgumentNullException.ThrowIfNull(writes);
        CheckMemoryId(from, nameof(from));
        CheckMemoryId(to, nameof(to));
        if (string.Equals(from, to, StringComparison.Ordinal))
        {
            throw new ArgumentException($"A causal edge cannot lead from memory '{from}' to itself.", nameof(to));
        }

        string checkedMechanism = CheckMechanism(mechanism);
        if (!double.IsFinite(uplift))
        {
            throw new ArgumentOutOfRangeException(nameof(uplift), uplift, "The uplift must be a finite number.");
        }

        if (!(confidence >= 0 && confidence <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "The confidence must be between 0 and 1.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(sampleSize);
        IReadOnlyList<string> evidence = evidenceIds ?? [];
        if (evidence.Count > MaxEvidenceIds)
        {
            throw new ArgumentOutOfRangeException(nameof(evidenceIds), evidence.Count, $"An edge carries at most {MaxEvidenceIds} evidence ids.");
        }

        for (int i = 0; i < evidence.Count; i++)
        {
            string? item = evidence[i];
            if (string.IsNullOrEmpty(item) || Encoding.UTF8.GetByteCount(item) > AgentDatabase.MaxIdBytes)
            {
                throw new ArgumentException($"Evidence id {i} is null, empty or over {AgentDatabase.MaxIdBytes} UTF-8 bytes.", nameof(evidenceIds));
            }
        }

        string id = CausalEdgeCodec.EdgeId(from, to, checkedMechanism);
        byte[] payload = CausalEdgeCodec.Encode(from, to, checkedMechanism, uplift, confidence, sampleSize, evidence);
        RecordBatch batch = writes.For(Store, MemoryKind.Causal);
        batch.Upsert(Collection, id, payload);
        batch.Upsert(OutgoingCollection, CausalEdgeCodec.AdjacencyKey(from, id), payload);
        batch.Upsert(IncomingCollection, CausalEdgeCodec.AdjacencyKey(to, id), payload);
        return id;
    }

    /// <summary>Stages the removal of the edge (from, to, mechanism) without committing (removing a missing edge does nothing). Returns the edge id.</summary>
    internal string StageRemoveEdge(MemoryWriteSet writes, string from, string to, string? mechanism)
    {
        ArgumentNullException.ThrowIfNull(writes);
        string id = EdgeId(from, to, mechanism);
        RecordBatch batch = writes.For(Store, MemoryKind.Causal);
        batch.Delete(Collection, id);
        batch.Delete(OutgoingCollection, CausalEdgeCodec.AdjacencyKey(from, id));
        batch.Delete(IncomingCollection, CausalEdgeCodec.AdjacencyKey(to, id));
        return id;
    }

    internal static void CheckMemoryId(string id, string parameterName)
    {
        if (id is null)
        {
            throw new ArgumentNullException(parameterName);
        }

        if (id.Length == 0)
        {
            throw new ArgumentException("A memory id cannot be empty.", parameterName);
        }

        if (id.Length > MaxMemoryIdBytes / 3 && Encoding.UTF8.GetByteCount(id) > MaxMemoryIdBytes)
        {
            throw new ArgumentException(
                $"The memory id is {Encoding.UTF8.GetByteCount(id)} UTF-8 bytes; causal edges name memories of at most {MaxMemoryIdBytes} bytes.", parameterName);
        }
    }

    internal static void CheckConfidenceBound(double value, string name)
    {
        if (!(value >= 0 && value <= 1))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be between 0 and 1.");
        }
    }

    internal static void CheckUpliftBound(double value, string name)
    {
        if (double.IsNaN(value) || double.IsPositiveInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a number below +∞ (−∞ allowed).");
        }
    }

    /// <summary>Every record of <paramref name="collection"/> whose id starts with <paramref name="prefix"/>, appended to <paramref name="into"/>, page by page.</summary>
    internal static void ScanNode(AgentDatabase store, string collection, string prefix, List<StoredRecord> into)
    {
        IReadOnlyList<StoredRecord> page = store.ScanPrefix(collection, prefix, ScanPage);
        while (true)
        {
            string? last = null;
            for (int i = 0; i < page.Count; i++)
            {
                StoredRecord record = page[i];
                if (!record.Id.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return;
                }

                into.Add(record);
                last = record.Id;
            }

            if (page.Count < ScanPage || last is null)
            {
                return;
            }

            page = store.ScanRange(collection, last + "\0", null, ScanPage); // the next id after `last` in byte order
        }
    }

    private static string CheckMechanism(string? mechanism)
    {
        mechanism ??= string.Empty;
        if (mechanism.Length > MaxMechanismBytes / 3 && Encoding.UTF8.GetByteCount(mechanism) > MaxMechanismBytes)
        {
            throw new ArgumentException($"The mechanism is over {MaxMechanismBytes} UTF-8 bytes.", nameof(mechanism));
        }

        return mechanism;
    }

    private CausalEdgeQueryResult QueryEdges(bool outgoing, string nodeId, CausalEdgeQueryOptions options)
    {
        CheckMemoryId(nodeId, outgoing ? "interventionId" : "outcomeId");
        options.Validate();
        var builder = new QueryKeyBuilder(outgoing ? "causal.effects" : "causal.causes");
        try
        {
            builder.Add(nodeId);
            builder.Add(options.MinConfidence);
            builder.Add(options.MinUplift);
            builder.Add(options.Limit);
            builder.Add(options.WithCertificate);
            QueryKey key = builder.Build();
            return _context.Cache.GetOrCompute(
                MemoryScope.Causal, key, (Self: this, Outgoing: outgoing, Node: nodeId, Options: options), static s => s.Self.ComputeEdges(s.Outgoing, s.Node, s.Options));
        }
        finally
        {
            builder.Dispose();
        }
    }

    private CausalEdgeQueryResult ComputeEdges(bool outgoing, string nodeId, CausalEdgeQueryOptions options)
    {
        string collection = outgoing ? OutgoingCollection : IncomingCollection;
        var records = new List<StoredRecord>();
        ScanNode(Store, collection, CausalEdgeCodec.NodePrefix(nodeId), records);
        var kept = new List<(CausalEdge Edge, StoredRecord Record)>(records.Count);
        foreach (StoredRecord record in records)
        {
            CausalEdgeCodec.ReadSummary(record, collection, readTo: false, out _, out double uplift, out double confidence);
            if (confidence >= options.MinConfidence && uplift >= options.MinUplift)
            {
                kept.Add((CausalEdgeCodec.Decode(record, collection, CausalEdgeCodec.EdgeIdOfAdjacencyKey(record.Id)), record));
            }
        }

        kept.Sort(static (a, b) =>
        {
            int order = b.Edge.ExpectedUplift.CompareTo(a.Edge.ExpectedUplift);
            return order != 0 ? order : string.CompareOrdinal(a.Edge.Id, b.Edge.Id);
        });

        int count = Math.Min(kept.Count, options.Limit);
        var edges = new CausalEdge[count];
        CertifiedItem[]? certified = options.WithCertificate ? new CertifiedItem[count] : null;
        for (int i = 0; i < count; i++)
        {
            edges[i] = kept[i].Edge;
            if (certified is not null)
            {
                certified[i] = RecallCertificate.Certify(MemoryKind.Causal, 0, collection, kept[i].Record);
            }
        }

        return new CausalEdgeQueryResult(edges, certified is null ? null : RecallCertificate.Create(certified));
    }

    private CausalRecallResult ComputeRecall(float[] query, CausalRecallOptions options)
    {
        int pool = (int)Math.Min(AgentDatabase.MaxSearchResults, (long)options.K * options.CandidateFactor);
        int shards = _context.Stores.ShardCount(MemoryKind.Reflexion);
        var candidates = new List<RecallCandidate>(pool * Math.Min(shards, 4));
        for (int s = 0; s < shards; s++)
        {
            IReadOnlyList<SearchResult> hits;
            try
            {
                hits = _context.Stores.Shard(MemoryKind.Reflexion, s).Search(EpisodesCollection, query, pool);
            }
            catch (CollectionNotFoundException)
            {
                continue; // no episodes written to this shard yet
            }

            for (int i = 0; i < hits.Count; i++)
            {
                candidates.Add(new RecallCandidate(hits[i].Record, s, hits[i].Distance));
            }
        }

        // One order whatever the sharding: nearest first, ties by id; the pool is the global nearest `pool`.
        candidates.Sort(static (a, b) =>
        {
            int order = a.Distance.CompareTo(b.Distance);
            return order != 0 ? order : string.CompareOrdinal(a.Record.Id, b.Record.Id);
        });
        if (candidates.Count > pool)
        {
            candidates.RemoveRange(pool, candidates.Count - pool);
        }

        AgentDatabase causal = Store;
        bool filterTarget = options.Target is not null;
        var edges = new List<StoredRecord>();
        for (int c = 0; c < candidates.Count; c++)
        {
            RecallCandidate candidate = candidates[c];
            string id = candidate.Record.Id;
            double bestUplift = 0;
            double bestConfidence = 0;
            StoredRecord? best = null;
            if (id.Length <= MaxMemoryIdBytes || Encoding.UTF8.GetByteCount(id) <= MaxMemoryIdBytes)
            {
                edges.Clear();
                ScanNode(causal, OutgoingCollection, CausalEdgeCodec.NodePrefix(id), edges);
                for (int e = 0; e < edges.Count; e++)
                {
                    CausalEdgeCodec.ReadSummary(edges[e], OutgoingCollection, filterTarget, out string? to, out double uplift, out double confidence);
                    if (confidence < options.MinConfidence || (filterTarget && !string.Equals(to, options.Target, StringComparison.Ordinal)))
                    {
                        continue;
                    }

                    // The largest uplift; ties: the more confident edge (scan order, by edge id, breaks the rest).
                    if (best is null || uplift > bestUplift || (uplift == bestUplift && confidence > bestConfidence))
                    {
                        best = edges[e];
                        bestUplift = uplift;
                        bestConfidence = confidence;
                    }
                }
            }

            double similarity = 1.0 - candidate.Distance;
            candidate.Similarity = similarity;
            candidate.Uplift = bestUplift;
            candidate.Edge = best;
            candidate.Score = (options.SimilarityWeight * similarity) + (options.UpliftWeight * bestUplift);
            candidates[c] = candidate;
        }

        candidates.Sort(static (a, b) =>
        {
            int order = b.Score.CompareTo(a.Score);
            if (order != 0)
            {
                return order;
            }

            order = b.Similarity.CompareTo(a.Similarity);
            return order != 0 ? order : string.CompareOrdinal(a.Record.Id, b.Record.Id);
        });

        int count = Math.Min(options.K, candidates.Count);
        var items = new CausalRecallItem[count];
        List<CertifiedItem>? certified = options.WithCertificate ? new List<CertifiedItem>(count * 2) : null;
        for (int i = 0; i < count; i++)
        {
            RecallCandidate candidate = candidates[i];
            CausalEdge? edge = candidate.Edge is null
                ? null
                : CausalEdgeCodec.Decode(candidate.Edge, OutgoingCollection, CausalEdgeCodec.EdgeIdOfAdjacencyKey(candidate.Edge.Id));
            items[i] = new CausalRecallItem(candidate.Record.Id, candidate.Shard, candidate.Record.Payload, candidate.Similarity, candidate.Uplift, candidate.Score, edge);
            if (certified is not null)
            {
                certified.Add(RecallCertificate.Certify(MemoryKind.Reflexion, candidate.Shard, EpisodesCollection, candidate.Record));
                if (candidate.Edge is not null)
                {
                    certified.Add(RecallCertificate.Certify(MemoryKind.Causal, 0, OutgoingCollection, candidate.Edge));
                }
            }
        }

        return new CausalRecallResult(items, candidates.Count, certified is null ? null : RecallCertificate.Create(certified));
    }

    private struct RecallCandidate(StoredRecord record, int shard, float distance)
    {
        public readonly StoredRecord Record = record;
        public readonly int Shard = shard;
        public readonly float Distance = distance;
        public double Similarity;
        public double Uplift;
        public double Score;
        public StoredRecord? Edge;
    }
}
