using System.Runtime.CompilerServices;
using AgentDb.Memory.Caching;
using AgentDb.Memory.Stores;

namespace AgentDb.Memory.Graph;

/// <summary>
/// The graph store: nodes with labels and scalar properties, typed directed edges with properties, neighbours, bounded
/// breadth-first traversal with filters, shortest paths, one-edge pattern matching, and similarity search over nodes that
/// carry an embedding. Lives in the graph's store (<see cref="MemoryStores.Store"/> of <see cref="MemoryKind.Graph"/>).
/// Thread-safe.
/// </summary>
/// <remarks>
/// <para>Storage: <c>mem.graph.nodes</c> (one record per node; its vector is the optional embedding),
/// <c>mem.graph.edges</c> (one record per edge), <c>mem.graph.adjacency</c> (each edge indexed both ways,
/// <c>o/{from}/{type}/{to}/{edgeId}</c> and <c>i/{to}/{type}/{from}/{edgeId}</c>) and <c>mem.graph.labels</c>
/// (<c>l/{label}/{nodeId}</c>). Every write (a node with its label entries, an edge with both adjacency entries, a node
/// delete with all its edges) is one atomic batch, durable per the store's mode when the method returns, and invalidates
/// cached graph queries before returning.</para>
/// <para>Names: node and edge ids are at most <see cref="MaxIdBytes"/> UTF-8 bytes, labels and edge types at most
/// <see cref="MaxNameBytes"/>; none may contain <c>'/'</c> (refused with <see cref="ArgumentException"/>).</para>
/// <para>Consistency: the public write methods are serialised (each one's checks see every earlier write, applied or
/// still in flight in the group commit), so an edge is only added between nodes that exist and a node delete removes
/// every edge written before it. The asynchronous writes wait for the gate and their commit without blocking a thread
/// and pipeline through the group commit when they touch disjoint nodes and edges (see <see cref="WriteGate"/>). Reads are not isolated from concurrent writes (each adjacency scan
/// and node read sees the latest commit); a traversal skips an edge whose far node is gone.</para>
/// </remarks>
public sealed class GraphStore
{
    /// <summary>The node collection.</summary>
    public const string NodesCollection = "mem.graph.nodes";

    /// <summary>The edge collection.</summary>
    public const string EdgesCollection = "mem.graph.edges";

    /// <summary>The adjacency index collection.</summary>
    public const string AdjacencyCollection = "mem.graph.adjacency";

    /// <summary>The label index collection.</summary>
    public const string LabelsCollection = "mem.graph.labels";

    /// <summary>The longest node or edge id, in UTF-8 bytes.</summary>
    public const int MaxIdBytes = 128;

    /// <summary>The longest label or edge type, in UTF-8 bytes.</summary>
    public const int MaxNameBytes = 96;

    /// <summary>The most labels on one node.</summary>
    public const int MaxLabels = 64;

    /// <summary>The most properties on one node or edge.</summary>
    public const int MaxProperties = 1024;

    /// <summary>The longest property name, in characters.</summary>
    public const int MaxPropertyNameLength = 256;

    /// <summary>The deepest traversal and the longest shortest path.</summary>
    public const int MaxTraversalDepth = 32;

    /// <summary>The largest result limit of a neighbour list, traversal or match.</summary>
    public const int MaxLimit = 100_000;

    /// <summary>The largest bound on nodes visited by one query.</summary>
    public const int MaxVisitedLimit = 1_000_000;

    /// <summary>The largest bound on adjacency entries read by one query.</summary>
    public const int MaxEdgesScannedLimit = 10_000_000;

    private const int MaxEdgeTypes = 256;
    private const int InflightSweepFloor = 1024;
    private static readonly MemoryScope s_scope = MemoryContext.ScopeOf(MemoryKind.Graph);

    private readonly MemoryContext _context;
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    // Graph state written by asynchronous writes that are appended to the log but not yet applied (the engine applies a
    // write only once it is durable): what each key's last such write is. Touched only under the write gate.
    private readonly Dictionary<(GraphKeyKind Kind, string Id), Task> _inflight = new();
    private int _sweepAt = InflightSweepFloor;
    private readonly ConditionalWeakTable<MemoryWriteSet, StagedGraph> _staged = new();

    internal GraphStore(MemoryContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        context.EnsureCollection(MemoryKind.Graph, NodesCollection, context.Dimension);
        context.EnsureCollection(MemoryKind.Graph, EdgesCollection, 1);
        context.EnsureCollection(MemoryKind.Graph, AdjacencyCollection, 1);
        context.EnsureCollection(MemoryKind.Graph, LabelsCollection, 1);
    }

    /// <summary>Nodes in the graph.</summary>
    public long NodeCount => Store.Count(NodesCollection);

    /// <summary>Edges in the graph.</summary>
    public long EdgeCount => Store.Count(EdgesCollection);

    /// <summary>
    /// The gate the public write methods hold while they stage and commit (an asynchronous one: the async writes wait
    /// for it and for their commit without blocking a thread). A batch that stages graph writes through the Stage
    /// methods should hold it from staging to commit, so its existence checks and cascades stay true at commit.
    /// </summary>
    /// <remarks>
    /// The engine applies a write (makes it readable) only once it is durable, so a write's existence checks and delete
    /// cascades must not read state that an earlier write has appended but not yet applied. The asynchronous public
    /// writes release the gate once their write is appended and record what it writes (nodes, edges, adjacency) as in
    /// flight; a later write that reads an in-flight key waits (keeping the gate, so writes keep their call order) until
    /// that write is applied and stages again.
    /// Writes that touch disjoint parts of the graph therefore share group commits. The synchronous writes and batches
    /// hold the gate until their commit is applied (a batch first waits for every in-flight write).
    /// </remarks>
    internal SemaphoreSlim WriteGate => _writeGate;

    private AgentDatabase Store => _context.Stores.Store(MemoryKind.Graph);

    private GraphReader Reader => new(Store);

    // ----- writes -----

    /// <summary>Adds a node; returns its id (the caller's, or a generated time-ordered one).</summary>
    /// <exception cref="ArgumentException">An id, label or property is invalid, the embedding has the wrong dimension, or a node with that id exists.</exception>
    public string AddNode(GraphNodeInput node) => Write(node, static (store, writes, input) => store.StageAddNode(writes, input));

    /// <summary>Adds a node with <paramref name="labels"/> and <paramref name="properties"/>; returns its id.</summary>
    /// <exception cref="ArgumentException">As for <see cref="AddNode(GraphNodeInput)"/>.</exception>
    public string AddNode(IReadOnlyList<string> labels, IReadOnlyDictionary<string, GraphValue>? properties = null, string? id = null) =>
        AddNode(new GraphNodeInput { Id = id, Labels = labels, Properties = properties });

    /// <summary>
    /// Creates node <see cref="GraphNodeInput.Id"/> or replaces it whole (labels, properties and embedding; its edges stay).
    /// </summary>
    /// <exception cref="ArgumentException">The id is missing or invalid, a label or property is invalid, or the embedding has the wrong dimension.</exception>
    public void UpsertNode(GraphNodeInput node) => Write(node, static (store, writes, input) => store.StageUpsertNode(writes, input));

    /// <summary>Adds several nodes in one atomic batch; returns their ids in order.</summary>
    /// <exception cref="ArgumentException">As for <see cref="AddNode(GraphNodeInput)"/>, or an id repeats; nothing is written.</exception>
    public IReadOnlyList<string> AddNodes(IReadOnlyList<GraphNodeInput> nodes) =>
        WriteMany(nodes, static (store, writes, input) => store.StageAddNode(writes, input));

    /// <summary>Deletes a node with its label entries and every edge into or out of it, atomically. Returns whether it existed.</summary>
    /// <exception cref="ArgumentException">The id is invalid, or the node has so many edges that the cascade does not fit in one log entry.</exception>
    public bool DeleteNode(string id) => Write(id, static (store, writes, input) => store.StageDeleteNode(writes, input));

    /// <summary>Adds an edge <c>(From)-[:Type]->(To)</c>; returns its id.</summary>
    /// <exception cref="ArgumentException">An id, the type or a property is invalid, or an edge with that id exists.</exception>
    /// <exception cref="KeyNotFoundException">An end node does not exist.</exception>
    public string AddEdge(GraphEdgeInput edge) => Write(edge, static (store, writes, input) => store.StageAddEdge(writes, input));

    /// <summary>Adds an edge <c>(from)-[:type]->(to)</c>; returns its id.</summary>
    /// <exception cref="ArgumentException">As for <see cref="AddEdge(GraphEdgeInput)"/>.</exception>
    /// <exception cref="KeyNotFoundException">An end node does not exist.</exception>
    public string AddEdge(string from, string type, string to, IReadOnlyDictionary<string, GraphValue>? properties = null, string? id = null) =>
        AddEdge(new GraphEdgeInput { From = from, Type = type, To = to, Properties = properties, Id = id });

    /// <summary>Adds several edges in one atomic batch (their end nodes must already exist); returns their ids in order.</summary>
    /// <exception cref="ArgumentException">As for <see cref="AddEdge(GraphEdgeInput)"/>, or the batch does not fit in one log entry; nothing is written.</exception>
    /// <exception cref="KeyNotFoundException">An end node does not exist; nothing is written.</exception>
    public IReadOnlyList<string> AddEdges(IReadOnlyList<GraphEdgeInput> edges) =>
        WriteMany(edges, static (store, writes, input) => store.StageAddEdge(writes, input));

    /// <summary>Deletes an edge and both its adjacency entries, atomically. Returns whether it existed.</summary>
    /// <exception cref="ArgumentException">The id is invalid.</exception>
    public bool DeleteEdge(string id) => Write(id, static (store, writes, input) => store.StageDeleteEdge(writes, input));

    /// <summary>The asynchronous form of <see cref="AddNode(GraphNodeInput)"/>: waits for the write gate and the commit without blocking a thread.</summary>
    /// <exception cref="ArgumentException">As for <see cref="AddNode(GraphNodeInput)"/>.</exception>
    public ValueTask<string> AddNodeAsync(GraphNodeInput node, CancellationToken cancellationToken = default) =>
        WriteAsync(node, static (store, writes, input) => store.StageAddNode(writes, input), cancellationToken);

    /// <summary>The asynchronous form of <see cref="UpsertNode"/>.</summary>
    /// <exception cref="ArgumentException">As for <see cref="UpsertNode"/>.</exception>
    public async ValueTask UpsertNodeAsync(GraphNodeInput node, CancellationToken cancellationToken = default) =>
        await WriteAsync(node, static (store, writes, input) => store.StageUpsertNode(writes, input), cancellationToken).ConfigureAwait(false);

    /// <summary>The asynchronous form of <see cref="AddNodes"/>.</summary>
    /// <exception cref="ArgumentException">As for <see cref="AddNodes"/>; nothing is written.</exception>
    public ValueTask<IReadOnlyList<string>> AddNodesAsync(IReadOnlyList<GraphNodeInput> nodes, CancellationToken cancellationToken = default) =>
        WriteManyAsync(nodes, static (store, writes, input) => store.StageAddNode(writes, input), cancellationToken);

    /// <summary>The asynchronous form of <see cref="DeleteNode"/>.</summary>
    /// <exception cref="ArgumentException">As for <see cref="DeleteNode"/>.</exception>
    public ValueTask<bool> DeleteNodeAsync(string id, CancellationToken cancellationToken = default) =>
        WriteAsync(id, static (store, writes, input) => store.StageDeleteNode(writes, input), cancellationToken);

    /// <summary>The asynchronous form of <see cref="AddEdge(GraphEdgeInput)"/>.</summary>
    /// <exception cref="ArgumentException">As for <see cref="AddEdge(GraphEdgeInput)"/>.</exception>
    /// <exception cref="KeyNotFoundException">An end node does not exist.</exception>
    public ValueTask<string> AddEdgeAsync(GraphEdgeInput edge, CancellationToken cancellationToken = default) =>
        WriteAsync(edge, static (store, writes, input) => store.StageAddEdge(writes, input), cancellationToken);

    /// <summary>The asynchronous form of <see cref="AddEdges"/>.</summary>
    /// <exception cref="ArgumentException">As for <see cref="AddEdges"/>; nothing is written.</exception>
    /// <exception cref="KeyNotFoundException">An end node does not exist; nothing is written.</exception>
    public ValueTask<IReadOnlyList<string>> AddEdgesAsync(IReadOnlyList<GraphEdgeInput> edges, CancellationToken cancellationToken = default) =>
        WriteManyAsync(edges, static (store, writes, input) => store.StageAddEdge(writes, input), cancellationToken);

    /// <summary>The asynchronous form of <see cref="DeleteEdge"/>.</summary>
    /// <exception cref="ArgumentException">As for <see cref="DeleteEdge"/>.</exception>
    public ValueTask<bool> DeleteEdgeAsync(string id, CancellationToken cancellationToken = default) =>
        WriteAsync(id, static (store, writes, input) => store.StageDeleteEdge(writes, input), cancellationToken);

    /// <summary>Stages a new node (see <see cref="AddNode(GraphNodeInput)"/>); returns its id.</summary>
    internal string StageAddNode(MemoryWriteSet writes, GraphNodeInput node) => StageNode(writes, node, mustBeNew: true);

    /// <summary>Stages a node upsert (see <see cref="UpsertNode"/>); returns its id.</summary>
    internal string StageUpsertNode(MemoryWriteSet writes, GraphNodeInput node) => StageNode(writes, node, mustBeNew: false);

    /// <summary>Stages a node delete with its cascade (see <see cref="DeleteNode"/>); returns whether the node exists.</summary>
    /// <exception cref="InvalidOperationException">The same write set adds or writes the node, or adds an edge to it.</exception>
    internal bool StageDeleteNode(MemoryWriteSet writes, string id)
    {
        ArgumentNullException.ThrowIfNull(writes);
        GraphKeys.ValidateId(id, "node id", nameof(id));
        StagedGraph staged = StagedFor(writes);
        if (staged.UpsertedNodes.Contains(id) || staged.EdgeEnds.Contains(id))
        {
            throw new InvalidOperationException($"The node '{id}' is written, or an edge to it is added, earlier in the same batch; delete it in a batch of its own.");
        }

        if (staged.DeletedNodes.Contains(id))
        {
            return false;
        }

        RequireSettled(GraphKeyKind.Node, id);
        RequireSettled(GraphKeyKind.Adjacency, id);
        if (!Store.TryGet(NodesCollection, id, out StoredRecord? record))
        {
            return false;
        }

        IReadOnlyList<string> labels = GraphCodec.DecodeLabels(record);
        var entries = new List<AdjacencyEntry>();
        Reader.ReadAdjacency(id, GraphDirection.Both, types: null, int.MaxValue - 1, entries, new List<StoredRecord>());

        RecordBatch batch = writes.For(Store, MemoryKind.Graph);
        batch.Delete(NodesCollection, id);
        foreach (string label in labels)
        {
            batch.Delete(LabelsCollection, GraphKeys.Label(label, id));
        }

        foreach (AdjacencyEntry entry in entries)
        {
            if (staged.DeletedEdges.Add(entry.EdgeId))
            {
                StageEdgeRemoval(batch, entry.EdgeId, entry.Type, entry.From, entry.To);
                staged.Touch(GraphKeyKind.Edge, entry.EdgeId);
                staged.Touch(GraphKeyKind.Adjacency, entry.From);
                staged.Touch(GraphKeyKind.Adjacency, entry.To);
            }
        }

        staged.Touch(GraphKeyKind.Node, id);
        staged.Touch(GraphKeyKind.Adjacency, id);
        staged.DeletedNodes.Add(id);
        staged.KnownNodes.Remove(id);
        return true;
    }

    /// <summary>Stages a new edge (see <see cref="AddEdge(GraphEdgeInput)"/>); returns its id.</summary>
    /// <exception cref="KeyNotFoundException">An end node neither exists nor is added earlier in the same write set.</exception>
    internal string StageAddEdge(MemoryWriteSet writes, GraphEdgeInput edge)
    {
        ArgumentNullException.ThrowIfNull(writes);
        ArgumentNullException.ThrowIfNull(edge);
        GraphKeys.ValidateId(edge.From, "edge's from node id", nameof(edge));
        GraphKeys.ValidateId(edge.To, "edge's to node id", nameof(edge));
        GraphKeys.ValidateName(edge.Type, "edge type", nameof(edge));
        GraphCodec.ValidateProperties(edge.Properties, nameof(edge));
        string id = edge.Id ?? GraphIds.New();
        GraphKeys.ValidateId(id, "edge id", nameof(edge));
        StagedGraph staged = StagedFor(writes);
        RequireNodeForEdge(staged, edge.From);
        RequireNodeForEdge(staged, edge.To);
        if (edge.Id is not null && !staged.AddedEdges.Contains(id) && !staged.DeletedEdges.Contains(id))
        {
            RequireSettled(GraphKeyKind.Edge, id);
        }

        if (staged.AddedEdges.Contains(id) || staged.DeletedEdges.Contains(id) || (edge.Id is not null && Store.TryGet(EdgesCollection, id, out _)))
        {
            throw new ArgumentException($"An edge with id '{id}' already exists (or is written earlier in the same batch).", nameof(edge));
        }

        byte[] properties = GraphCodec.EncodeProperties(edge.Properties);
        RecordBatch batch = writes.For(Store, MemoryKind.Graph);
        batch.Upsert(EdgesCollection, id, GraphCodec.EncodeEdge(edge.Type, edge.From, edge.To, edge.Properties));
        batch.Upsert(AdjacencyCollection, GraphKeys.Out(edge.From, edge.Type, edge.To, id), properties);
        batch.Upsert(AdjacencyCollection, GraphKeys.In(edge.To, edge.Type, edge.From, id), properties);
        staged.AddedEdges.Add(id);
        staged.EdgeEnds.Add(edge.From);
        staged.EdgeEnds.Add(edge.To);
        staged.Touch(GraphKeyKind.Edge, id);
        staged.Touch(GraphKeyKind.Adjacency, edge.From);
        staged.Touch(GraphKeyKind.Adjacency, edge.To);
        return id;
    }

    /// <summary>Stages an edge delete (see <see cref="DeleteEdge"/>); returns whether the edge exists.</summary>
    /// <exception cref="InvalidOperationException">The same write set adds the edge.</exception>
    internal bool StageDeleteEdge(MemoryWriteSet writes, string id)
    {
        ArgumentNullException.ThrowIfNull(writes);
        GraphKeys.ValidateId(id, "edge id", nameof(id));
        StagedGraph staged = StagedFor(writes);
        if (staged.AddedEdges.Contains(id))
        {
            throw new InvalidOperationException($"The edge '{id}' is added earlier in the same batch; delete it in a batch of its own.");
        }

        if (staged.DeletedEdges.Contains(id))
        {
            return false;
        }

        RequireSettled(GraphKeyKind.Edge, id);
        if (!Store.TryGet(EdgesCollection, id, out StoredRecord? record))
        {
            return false;
        }

        GraphEdge edge = GraphCodec.DecodeEdge(record);
        StageEdgeRemoval(writes.For(Store, MemoryKind.Graph), id, edge.Type, edge.From, edge.To);
        staged.DeletedEdges.Add(id);
        staged.Touch(GraphKeyKind.Edge, id);
        staged.Touch(GraphKeyKind.Adjacency, edge.From);
        staged.Touch(GraphKeyKind.Adjacency, edge.To);
        return true;
    }

    // ----- point reads -----

    /// <summary>The node <paramref name="id"/>, or null when it does not exist.</summary>
    /// <exception cref="ArgumentException">The id is invalid.</exception>
    public GraphNode? GetNode(string id)
    {
        GraphKeys.ValidateId(id, "node id", nameof(id));
        return Reader.TryGetNode(id, out GraphNode node, out _) ? node : null;
    }

    /// <summary>The edge <paramref name="id"/>, or null when it does not exist.</summary>
    /// <exception cref="ArgumentException">The id is invalid.</exception>
    public GraphEdge? GetEdge(string id)
    {
        GraphKeys.ValidateId(id, "edge id", nameof(id));
        return Store.TryGet(EdgesCollection, id, out StoredRecord? record) ? GraphCodec.DecodeEdge(record) : null;
    }

    // ----- queries (through the query cache) -----

    /// <summary>
    /// Up to <paramref name="limit"/> neighbours of <paramref name="nodeId"/> along edges in <paramref name="direction"/>
    /// (of <paramref name="edgeTypes"/> when given, null or empty for all): out-edges first, then in-edges; within a side by
    /// edge type, neighbour id, edge id. A self-loop appears once with <see cref="GraphDirection.Both"/>.
    /// </summary>
    /// <exception cref="ArgumentException">An id or type is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The limit is outside 1..<see cref="MaxLimit"/>.</exception>
    /// <exception cref="KeyNotFoundException">The node does not exist.</exception>
    public IReadOnlyList<GraphNeighbor> Neighbors(string nodeId, GraphDirection direction = GraphDirection.Out, IReadOnlyList<string>? edgeTypes = null, int limit = 100)
    {
        GraphKeys.ValidateId(nodeId, "node id", nameof(nodeId));
        ValidateDirection(direction, nameof(direction));
        string[]? types = NormalizeTypes(edgeTypes, nameof(edgeTypes));
        ValidateRange(limit, 1, MaxLimit, nameof(limit));
        var key = new QueryKeyBuilder("graph.neighbors");
        try
        {
            key.Add(nodeId);
            key.Add((long)direction);
            AddTypes(ref key, types);
            key.Add(limit);
            return _context.Cache.GetOrCompute(s_scope, key.Build(), (this, nodeId, direction, types, limit), static s => s.Item1.NeighborsCore(s.nodeId, s.direction, s.types, s.limit));
        }
        finally
        {
            key.Dispose();
        }
    }

    /// <summary>
    /// Breadth-first walk from <paramref name="startId"/> up to <see cref="TraversalOptions.MaxDepth"/> edges, returning the
    /// nodes that match the options' filter (the start excluded) with their depth and, if asked, their path.
    /// </summary>
    /// <exception cref="ArgumentException">An id, type, label or property in the options is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The depth, limit or a budget is out of range.</exception>
    /// <exception cref="KeyNotFoundException">The start node does not exist.</exception>
    public TraversalResult Traverse(string startId, TraversalOptions? options = null)
    {
        GraphKeys.ValidateId(startId, "node id", nameof(startId));
        options ??= new TraversalOptions();
        ValidateRange(options.MaxDepth, 1, MaxTraversalDepth, nameof(options.MaxDepth));
        ValidateDirection(options.Direction, nameof(options.Direction));
        ValidateRange(options.Limit, 1, MaxLimit, nameof(options.Limit));
        ValidateRange(options.MaxVisited, 1, MaxVisitedLimit, nameof(options.MaxVisited));
        ValidateRange(options.MaxEdgesScanned, 1, MaxEdgesScannedLimit, nameof(options.MaxEdgesScanned));
        string[]? types = NormalizeTypes(options.EdgeTypes, nameof(options.EdgeTypes));
        ValidateFilter(options.NodeFilter, nameof(options.NodeFilter));
        var key = new QueryKeyBuilder("graph.traverse");
        try
        {
            key.Add(startId);
            key.Add(options.MaxDepth);
            key.Add((long)options.Direction);
            AddTypes(ref key, types);
            AddFilter(ref key, options.NodeFilter);
            key.Add(options.ExpandOnlyMatching);
            key.Add(options.Limit);
            key.Add(options.MaxVisited);
            key.Add(options.MaxEdgesScanned);
            key.Add(options.IncludePaths);
            key.Add(options.WithCertificate);
            return _context.Cache.GetOrCompute(s_scope, key.Build(), (this, startId, options, types), static s => GraphQueries.Traverse(s.Item1.Reader, s.startId, s.options, s.types));
        }
        finally
        {
            key.Dispose();
        }
    }

    /// <summary>
    /// A path with the fewest edges from <paramref name="fromId"/> to <paramref name="toId"/> (bidirectional breadth-first
    /// search), of at most <see cref="ShortestPathOptions.MaxDepth"/> edges, or none.
    /// </summary>
    /// <exception cref="ArgumentException">An id or type is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The depth or a budget is out of range.</exception>
    /// <exception cref="KeyNotFoundException">An end node does not exist.</exception>
    public ShortestPathResult ShortestPath(string fromId, string toId, ShortestPathOptions? options = null)
    {
        GraphKeys.ValidateId(fromId, "node id", nameof(fromId));
        GraphKeys.ValidateId(toId, "node id", nameof(toId));
        options ??= new ShortestPathOptions();
        ValidateRange(options.MaxDepth, 1, MaxTraversalDepth, nameof(options.MaxDepth));
        ValidateDirection(options.Direction, nameof(options.Direction));
        ValidateRange(options.MaxVisited, 1, MaxVisitedLimit, nameof(options.MaxVisited));
        ValidateRange(options.MaxEdgesScanned, 1, MaxEdgesScannedLimit, nameof(options.MaxEdgesScanned));
        string[]? types = NormalizeTypes(options.EdgeTypes, nameof(options.EdgeTypes));
        var key = new QueryKeyBuilder("graph.path");
        try
        {
            key.Add(fromId);
            key.Add(toId);
            key.Add(options.MaxDepth);
            key.Add((long)options.Direction);
            AddTypes(ref key, types);
            key.Add(options.MaxVisited);
            key.Add(options.MaxEdgesScanned);
            return _context.Cache.GetOrCompute(s_scope, key.Build(), (this, fromId, toId, options, types), static s => GraphQueries.ShortestPath(s.Item1.Reader, s.fromId, s.toId, s.options, s.types));
        }
        finally
        {
            key.Dispose();
        }
    }

    /// <summary>Every match of a one-edge <paramref name="pattern"/>, up to the options' limit.</summary>
    /// <exception cref="ArgumentException">A label, type or property in the pattern is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The limit or a budget is out of range.</exception>
    public MatchResult Match(GraphPattern pattern, MatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        options ??= new MatchOptions();
        ValidateFilter(pattern.From, nameof(pattern.From));
        ValidateFilter(pattern.To, nameof(pattern.To));
        ValidateDirection(pattern.Direction, nameof(pattern.Direction));
        GraphCodec.ValidateProperties(pattern.EdgeProperties, nameof(pattern.EdgeProperties));
        string[]? types = null;
        if (pattern.EdgeType is not null)
        {
            GraphKeys.ValidateName(pattern.EdgeType, "edge type", nameof(pattern.EdgeType));
            types = [pattern.EdgeType];
        }

        ValidateRange(options.Limit, 1, MaxLimit, nameof(options.Limit));
        ValidateRange(options.MaxVisited, 1, MaxVisitedLimit, nameof(options.MaxVisited));
        ValidateRange(options.MaxEdgesScanned, 1, MaxEdgesScannedLimit, nameof(options.MaxEdgesScanned));
        var key = new QueryKeyBuilder("graph.match");
        try
        {
            AddFilter(ref key, pattern.From);
            key.Add(pattern.EdgeType);
            key.Add((long)pattern.Direction);
            AddProperties(ref key, pattern.EdgeProperties);
            AddFilter(ref key, pattern.To);
            key.Add(options.Limit);
            key.Add(options.MaxVisited);
            key.Add(options.MaxEdgesScanned);
            key.Add(options.WithCertificate);
            return _context.Cache.GetOrCompute(s_scope, key.Build(), (this, pattern, options, types), static s => GraphQueries.Match(s.Item1.Reader, s.pattern, s.options, s.types));
        }
        finally
        {
            key.Dispose();
        }
    }

    /// <summary>The nodes whose embeddings are nearest to <paramref name="text"/> embedded by the memory's embedder.</summary>
    /// <exception cref="ArgumentException">The text is null, or the filter is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">K is out of range.</exception>
    public NodeSearchResult SearchNodes(string text, NodeSearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        options ??= new NodeSearchOptions();
        ValidateSearch(options);
        var key = new QueryKeyBuilder("graph.search.text");
        try
        {
            key.Add(text);
            AddSearchOptions(ref key, options);
            return _context.Cache.GetOrCompute(s_scope, key.Build(), (this, text, options), static s =>
                s.Item1.SearchCore(s.Item1._context.VectorFor(s.text, default, nameof(text)), s.options));
        }
        finally
        {
            key.Dispose();
        }
    }

    /// <summary>The nodes whose embeddings are nearest to <paramref name="vector"/> (the embedder's dimension).</summary>
    /// <exception cref="ArgumentException">The vector has the wrong dimension or a non-finite value, or the filter is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">K is out of range.</exception>
    public NodeSearchResult SearchNodes(ReadOnlyMemory<float> vector, NodeSearchOptions? options = null)
    {
        _context.CheckDimension(vector.Length, nameof(vector));
        options ??= new NodeSearchOptions();
        ValidateSearch(options);
        var key = new QueryKeyBuilder("graph.search");
        try
        {
            key.Add(vector.Span);
            AddSearchOptions(ref key, options);
            return _context.Cache.GetOrCompute(s_scope, key.Build(), (this, vector, options), static s => s.Item1.SearchCore(s.vector.ToArray(), s.options));
        }
        finally
        {
            key.Dispose();
        }
    }

    // ----- internals -----

    private static void StageEdgeRemoval(RecordBatch batch, string edgeId, string type, string from, string to)
    {
        batch.Delete(EdgesCollection, edgeId);
        batch.Delete(AdjacencyCollection, GraphKeys.Out(from, type, to, edgeId));
        batch.Delete(AdjacencyCollection, GraphKeys.In(to, type, from, edgeId));
    }

    private string StageNode(MemoryWriteSet writes, GraphNodeInput node, bool mustBeNew)
    {
        ArgumentNullException.ThrowIfNull(writes);
        ArgumentNullException.ThrowIfNull(node);
        if (node.Id is null && !mustBeNew)
        {
            throw new ArgumentException("UpsertNode needs the node's id.", nameof(node));
        }

        string id = node.Id ?? GraphIds.New();
        GraphKeys.ValidateId(id, "node id", nameof(node));
        string[] labels = GraphCodec.NormalizeLabels(node.Labels, nameof(node));
        GraphCodec.ValidateProperties(node.Properties, nameof(node));
        float[]? vector = !node.Embedding.IsEmpty || node.EmbeddingText is not null ? _context.VectorFor(node.EmbeddingText, node.Embedding, nameof(node)) : null;
        StagedGraph staged = StagedFor(writes);
        if (staged.UpsertedNodes.Contains(id) || staged.DeletedNodes.Contains(id))
        {
            throw new ArgumentException($"The node '{id}' is already written or deleted earlier in the same batch.", nameof(node));
        }

        IReadOnlyList<string> previous = [];
        RequireSettled(GraphKeyKind.Node, id);
        if (Store.TryGet(NodesCollection, id, out StoredRecord? existing))
        {
            if (mustBeNew)
            {
                throw new ArgumentException($"A node with id '{id}' already exists; use UpsertNode to replace it.", nameof(node));
            }

            previous = GraphCodec.DecodeLabels(existing);
        }

        byte[] payload = GraphCodec.EncodeNode(labels, node.Properties);
        RecordBatch batch = writes.For(Store, MemoryKind.Graph);
        batch.Upsert(NodesCollection, id, payload, vector);
        foreach (string old in previous)
        {
            if (Array.BinarySearch(labels, old, StringComparer.Ordinal) < 0)
            {
                batch.Delete(LabelsCollection, GraphKeys.Label(old, id));
            }
        }

        foreach (string label in labels)
        {
            if (!Contains(previous, label))
            {
                batch.Upsert(LabelsCollection, GraphKeys.Label(label, id), ReadOnlySpan<byte>.Empty);
            }
        }

        staged.UpsertedNodes.Add(id);
        staged.Touch(GraphKeyKind.Node, id);
        return id;
    }

    private void RequireNodeForEdge(StagedGraph staged, string nodeId)
    {
        if (staged.DeletedNodes.Contains(nodeId))
        {
            throw new KeyNotFoundException($"The node '{nodeId}' is deleted earlier in the same batch; an edge cannot use it.");
        }

        if (staged.UpsertedNodes.Contains(nodeId) || staged.KnownNodes.Contains(nodeId))
        {
            return;
        }

        RequireSettled(GraphKeyKind.Node, nodeId);
        if (!Store.TryGet(NodesCollection, nodeId, out _))
        {
            throw new KeyNotFoundException($"The graph has no node '{nodeId}'; add it before an edge that uses it.");
        }

        staged.KnownNodes.Add(nodeId);
    }

    private StagedGraph StagedFor(MemoryWriteSet writes)
    {
        StagedGraph staged = _staged.GetValue(writes, static _ => new StagedGraph());
        if (writes.Count == 0 && !staged.IsEmpty)
        {
            staged.Clear(); // the write set was cleared since: what it staged is gone
        }

        return staged;
    }

    private T Write<TInput, T>(TInput input, Func<GraphStore, MemoryWriteSet, TInput, T> stage)
    {
        _writeGate.Wait();
        try
        {
            while (true)
            {
                var writes = new MemoryWriteSet();
                try
                {
                    T result = stage(this, writes, input);
                    writes.Commit(_context.Cache, requireSingleStore: true); // applied before the gate is released
                    return result;
                }
                catch (InFlightConflictException pending)
                {
                    writes.Clear();
                    pending.Write.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing).GetAwaiter().GetResult();
                }
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async ValueTask<T> WriteAsync<TInput, T>(TInput input, Func<GraphStore, MemoryWriteSet, TInput, T> stage, CancellationToken cancellationToken)
    {
        T result;
        Task commit;
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                var writes = new MemoryWriteSet();
                try
                {
                    result = stage(this, writes, input);
                    commit = AppendInFlight(writes);
                    break;
                }
                catch (InFlightConflictException pending)
                {
                    writes.Clear();

                    // Keep the gate (writers stay in call order) and wait, without a thread, for the write this one
                    // depends on to be applied; then stage again.
                    await pending.Write.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            }
        }
        finally
        {
            _writeGate.Release();
        }

        await commit.ConfigureAwait(false);
        return result;
    }

    private IReadOnlyList<string> WriteMany<TInput>(IReadOnlyList<TInput> inputs, Func<GraphStore, MemoryWriteSet, TInput, string> stage)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return Write(inputs, (store, writes, all) => (IReadOnlyList<string>)Array.AsReadOnly(store.StageMany(writes, all, stage)));
    }

    private ValueTask<IReadOnlyList<string>> WriteManyAsync<TInput>(
        IReadOnlyList<TInput> inputs, Func<GraphStore, MemoryWriteSet, TInput, string> stage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return WriteAsync(inputs, (store, writes, all) => (IReadOnlyList<string>)Array.AsReadOnly(store.StageMany(writes, all, stage)), cancellationToken);
    }

    /// <summary>
    /// Appends <paramref name="writes"/> (under the gate: <see cref="MemoryWriteSet.CommitAsync"/> appends to the log
    /// before it returns, the engine's <c>BatchAsync</c> appending before its first await) and records every key it
    /// writes as in flight until the returned commit completes.
    /// </summary>
    private Task AppendInFlight(MemoryWriteSet writes)
    {
        Task commit = writes.CommitAsync(_context.Cache, requireSingleStore: true, CancellationToken.None).AsTask();
        if (commit.IsCompleted || !_staged.TryGetValue(writes, out StagedGraph? staged))
        {
            return commit;
        }

        foreach ((GraphKeyKind, string) key in staged.Touched)
        {
            _inflight[key] = commit;
        }

        if (_inflight.Count >= _sweepAt)
        {
            SweepInFlight();
        }

        return commit;
    }

    /// <summary>Refuses (with <see cref="InFlightConflictException"/>) to read a key an unapplied write is changing. Under the gate.</summary>
    private void RequireSettled(GraphKeyKind kind, string id)
    {
        if (_inflight.Count == 0 || !_inflight.TryGetValue((kind, id), out Task? write))
        {
            return;
        }

        if (write.IsCompleted)
        {
            _inflight.Remove((kind, id));
            return;
        }

        throw new InFlightConflictException(write);
    }

    private void SweepInFlight()
    {
        var done = new List<(GraphKeyKind, string)>();
        foreach (KeyValuePair<(GraphKeyKind Kind, string Id), Task> entry in _inflight)
        {
            if (entry.Value.IsCompleted)
            {
                done.Add(entry.Key);
            }
        }

        foreach ((GraphKeyKind, string) key in done)
        {
            _inflight.Remove(key);
        }

        _sweepAt = Math.Max(InflightSweepFloor, 2 * _inflight.Count);
    }

    /// <summary>Waits (holding the gate) until no asynchronous write is in flight: for batches, whose graph staging cannot be retried.</summary>
    internal async ValueTask DrainInFlightAsync()
    {
        foreach (Task write in InFlightWrites())
        {
            await write.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _inflight.Clear();
    }

    /// <summary>The synchronous form of <see cref="DrainInFlightAsync"/>.</summary>
    internal void DrainInFlight()
    {
        foreach (Task write in InFlightWrites())
        {
            write.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing).GetAwaiter().GetResult();
        }

        _inflight.Clear();
    }

    private List<Task> InFlightWrites()
    {
        var writes = new List<Task>();
        foreach (Task write in _inflight.Values)
        {
            if (!write.IsCompleted && !writes.Contains(write))
            {
                writes.Add(write);
            }
        }

        return writes;
    }

    private string[] StageMany<TInput>(MemoryWriteSet writes, IReadOnlyList<TInput> inputs, Func<GraphStore, MemoryWriteSet, TInput, string> stage)
    {
        var ids = new string[inputs.Count];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = stage(this, writes, inputs[i]);
        }

        return ids;
    }

    private IReadOnlyList<GraphNeighbor> NeighborsCore(string nodeId, GraphDirection direction, string[]? types, int limit)
    {
        GraphReader reader = Reader;
        if (!reader.NodeExists(nodeId))
        {
            throw new KeyNotFoundException($"The graph has no node '{nodeId}'.");
        }

        var entries = new List<AdjacencyEntry>();
        reader.ReadAdjacency(nodeId, direction, types, limit, entries, new List<StoredRecord>());
        var neighbors = new List<GraphNeighbor>(entries.Count);
        foreach (AdjacencyEntry entry in entries)
        {
            if (reader.TryGetNode(entry.Other, out GraphNode node, out _))
            {
                neighbors.Add(new GraphNeighbor(entry.ToEdge(), node, entry.Direction));
            }
        }

        return neighbors.AsReadOnly();
    }

    private NodeSearchResult SearchCore(float[] vector, NodeSearchOptions options)
    {
        // Labels and string properties go to the engine's payload filter; other property kinds are checked on the decoded
        // node, over-fetching (×4 until enough or exhausted) so the filtered top k stays exact.
        PayloadFilter? filter = null;
        bool postFilter = false;
        GraphNodeFilter wanted = options.Filter;
        if (wanted.Labels is not null)
        {
            foreach (string label in wanted.Labels)
            {
                filter = filter is null ? PayloadFilter.Contains(GraphCodec.LabelsKey, label) : filter.AndContains(GraphCodec.LabelsKey, label);
            }
        }

        if (wanted.Properties is not null)
        {
            foreach (KeyValuePair<string, GraphValue> property in wanted.Properties)
            {
                if (property.Value.Kind == GraphValueKind.String)
                {
                    string field = GraphCodec.PropertyPrefix + property.Key;
                    filter = filter is null ? PayloadFilter.Where(field, property.Value.AsString()) : filter.And(field, property.Value.AsString());
                }
                else
                {
                    postFilter = true;
                }
            }
        }

        int fetch = postFilter ? Math.Min(options.K * 4, AgentDatabase.MaxSearchResults) : options.K;
        var hits = new List<NodeSearchHit>(options.K);
        List<StoredRecord>? records = options.WithCertificate ? new List<StoredRecord>(options.K) : null;
        while (true)
        {
            hits.Clear();
            records?.Clear();
            IReadOnlyList<SearchResult> results = Store.Search(NodesCollection, vector, fetch, filter);
            foreach (SearchResult result in results)
            {
                GraphNode node = GraphCodec.DecodeNode(result.Record);
                if (postFilter && !wanted.Matches(node))
                {
                    continue;
                }

                hits.Add(new NodeSearchHit(node, result.Distance));
                records?.Add(result.Record);
                if (hits.Count == options.K)
                {
                    break;
                }
            }

            if (hits.Count == options.K || results.Count < fetch || fetch == AgentDatabase.MaxSearchResults)
            {
                return new NodeSearchResult(hits.AsReadOnly(), GraphQueries.Certify(records));
            }

            fetch = (int)Math.Min(fetch * 4L, AgentDatabase.MaxSearchResults);
        }
    }

    private static bool Contains(IReadOnlyList<string> values, string value)
    {
        for (int i = 0; i < values.Count; i++)
        {
            if (string.Equals(values[i], value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static void ValidateRange(int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be between {min} and {max}.");
        }
    }

    private static void ValidateDirection(GraphDirection direction, string name)
    {
        if (direction is not (GraphDirection.Out or GraphDirection.In or GraphDirection.Both))
        {
            throw new ArgumentOutOfRangeException(name, direction, "The direction must be Out, In or Both.");
        }
    }

    private static void ValidateFilter(GraphNodeFilter? filter, string name)
    {
        if (filter is null)
        {
            throw new ArgumentNullException(name);
        }

        if (filter.Labels is not null)
        {
            foreach (string label in filter.Labels)
            {
                GraphKeys.ValidateName(label, "label", name);
            }
        }

        GraphCodec.ValidateProperties(filter.Properties, name);
    }

    private static void ValidateSearch(NodeSearchOptions options)
    {
        ValidateRange(options.K, 1, AgentDatabase.MaxSearchResults, nameof(options.K));
        ValidateFilter(options.Filter, nameof(options.Filter));
    }

    private static string[]? NormalizeTypes(IReadOnlyList<string>? types, string name)
    {
        if (types is null || types.Count == 0)
        {
            return null;
        }

        if (types.Count > MaxEdgeTypes)
        {
            throw new ArgumentException($"At most {MaxEdgeTypes} edge types may be given, not {types.Count}.", name);
        }

        var sorted = new string[types.Count];
        for (int i = 0; i < sorted.Length; i++)
        {
            GraphKeys.ValidateName(types[i], "edge type", name);
            sorted[i] = types[i];
        }

        Array.Sort(sorted, StringComparer.Ordinal);
        int distinct = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            if (distinct == 0 || !string.Equals(sorted[distinct - 1], sorted[i], StringComparison.Ordinal))
            {
                sorted[distinct++] = sorted[i];
            }
        }

        return distinct == sorted.Length ? sorted : sorted[..distinct];
    }

    private static void AddTypes(ref QueryKeyBuilder key, string[]? types)
    {
        key.Add(types is null ? -1L : types.Length);
        if (types is not null)
        {
            foreach (string type in types)
            {
                key.Add(type);
            }
        }
    }

    private static void AddFilter(ref QueryKeyBuilder key, GraphNodeFilter filter)
    {
        IReadOnlyList<string>? labels = filter.Labels;
        key.Add(labels is null ? -1L : labels.Count);
        if (labels is not null)
        {
            for (int i = 0; i < labels.Count; i++)
            {
                key.Add(labels[i]);
            }
        }

        AddProperties(ref key, filter.Properties);
    }

    private static void AddProperties(ref QueryKeyBuilder key, IReadOnlyDictionary<string, GraphValue>? properties)
    {
        key.Add(properties is null ? -1L : properties.Count);
        if (properties is null)
        {
            return;
        }

        foreach (KeyValuePair<string, GraphValue> property in properties)
        {
            key.Add(property.Key);
            key.Add((long)property.Value.Kind);
            if (property.Value.Kind == GraphValueKind.String)
            {
                key.Add(property.Value.AsString());
            }
            else
            {
                key.Add(property.Value.RawBits);
            }
        }
    }

    private static void AddSearchOptions(ref QueryKeyBuilder key, NodeSearchOptions options)
    {
        key.Add(options.K);
        AddFilter(ref key, options.Filter);
        key.Add(options.WithCertificate);
    }

    /// <summary>Staging would read a key that an appended, not yet applied write changes: wait for <see cref="Write"/> and stage again.</summary>
    private sealed class InFlightConflictException(Task write) : Exception("A graph write in flight changes what this write reads.")
    {
        public Task Write { get; } = write;
    }
}
