using AgentDb.Memory.Caching;
using AgentDb.Memory.Causal;
using AgentDb.Memory.Embedding;
using AgentDb.Memory.Graph;
using AgentDb.Memory.Reflexion;
using AgentDb.Memory.Skills;
using AgentDb.Memory.Stores;

namespace AgentDb.Memory;

/// <summary>
/// The agent-memory database, embedded: reflexion episodes, the skill library, causal memory and the graph store over
/// one memory directory, with an embedder for text, a query cache and atomic batches. Thread-safe; dispose to close.
/// </summary>
/// <example>
/// <code>
/// using var memory = AgentMemory.Open("./memory");
/// memory.Reflexion.StoreEpisode(new Episode { SessionId = "s1", Task = "sort a list", Reward = 0.9, Success = true });
/// EpisodeRetrieval similar = memory.Reflexion.RetrieveRelevant("order an array", new EpisodeRetrievalOptions { K = 5 });
/// </code>
/// </example>
public sealed class AgentMemory : IDisposable
{
    /// <summary>
    /// The prefix of every collection the agent memory writes (<c>mem.episodes</c>, <c>mem.skills</c>, ...): in a
    /// database it is attached to (<see cref="Attach"/>), collections of this prefix are the memory's.
    /// </summary>
    public const string CollectionPrefix = "mem.";

    private readonly MemoryContext _context;
    private readonly bool _ownsEmbedder;
    private readonly AgentDatabase? _attached;
    private readonly Action<long>? _onReplicated;
    private int _disposed;

    private AgentMemory(MemoryContext context, bool ownsEmbedder, AgentDatabase? attached = null)
    {
        _context = context;
        _ownsEmbedder = ownsEmbedder;
        if (attached is not null)
        {
            MemoryMetadata.Ensure(context, attached);
        }

        Reflexion = new ReflexionMemory(context);
        Skills = new SkillLibrary(context, Reflexion);
        Causal = new CausalMemory(context);
        Graph = new GraphStore(context);
        if (attached is not null)
        {
            // A replica's records change by replication, not through the controllers that invalidate the cache: the
            // kinds whose collections an applied batch changed are invalidated.
            _onReplicated = new ReplicatedInvalidation(attached, context.Cache).OnApplied;
            attached.ReplicatedEntriesApplied += _onReplicated;
            _attached = attached;
        }
    }

    /// <summary>Reflexion episodes: store, retrieve relevant, task statistics, critique summaries.</summary>
    public ReflexionMemory Reflexion { get; }

    /// <summary>The skill library: create, search, record use, consolidate episodes into skills.</summary>
    public SkillLibrary Skills { get; }

    /// <summary>Causal memory: edges between memories, effects, strongest chains, causal recall.</summary>
    public CausalMemory Causal { get; }

    /// <summary>The graph store: labelled nodes, typed edges, traversal, shortest paths, pattern matches.</summary>
    public GraphStore Graph { get; }

    /// <summary>The embedder behind the text APIs.</summary>
    public IEmbedder Embedder => _context.Embedder;

    /// <summary>The query cache (its counters are in <see cref="GetStats"/>).</summary>
    public QueryCache Cache => _context.Cache;

    /// <summary>The stores behind this memory.</summary>
    public MemoryStores Stores => _context.Stores;

    /// <summary>
    /// Opens (or creates) the memory directory at <paramref name="path"/>. A directory keeps the layout and the embedder
    /// (name and dimension) it was created with; opening it otherwise is refused.
    /// </summary>
    /// <exception cref="InvalidOperationException">The directory was created with another layout or embedder.</exception>
    /// <exception cref="DatabaseLockedException">Another process has the directory open.</exception>
    public static AgentMemory Open(string path, AgentMemoryOptions? options = null)
    {
        options ??= new AgentMemoryOptions();
        options.Layout.Validate();
        options.Cache.Validate();
        bool owns = options.Embedder is null;
        IEmbedder embedder = options.Embedder ?? DefaultEmbedder();
        MemoryStores? stores = null;
        try
        {
            stores = MemoryStores.Open(path, options.Layout, embedder.Name, embedder.Dimension, options.Database);
            var context = new MemoryContext(stores, embedder, new QueryCache(options.Cache));
            return new AgentMemory(context, owns);
        }
        catch
        {
            stores?.Dispose();
            if (owns)
            {
                embedder.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// The agent memory inside <paramref name="database"/>, a database the caller opened and keeps open until this
    /// memory is disposed (disposing the memory leaves it open): collections <c>mem.*</c> beside the caller's own,
    /// written through the database's log, so that a primary's memory is replicated with the rest of its records
    /// and checkpointed, backed up and restored with them. <see cref="AgentMemoryOptions.Layout"/> must be the
    /// default (unsharded) and <see cref="AgentMemoryOptions.Database"/> is not used. The database keeps the embedder
    /// (name and dimension) it was first attached with; attaching it otherwise is refused.
    /// </summary>
    /// <remarks>
    /// On a database opened as a replica the memory serves reads of what has been replicated (a read of a kind of
    /// memory whose collections have not arrived yet throws <see cref="CollectionNotFoundException"/>), the query cache
    /// is invalidated, for a kind of memory, whenever replicated entries applied change its collections, and writes are
    /// refused by the database
    /// (<see cref="NotPrimaryException"/>). The memory's own setup writes (its collections and index, the embedder
    /// record) wait until the database is promoted: call <see cref="CompleteSetup"/> after
    /// <see cref="AgentDatabase.PromoteToPrimary"/>.
    /// </remarks>
    /// <exception cref="ArgumentException">The layout is sharded.</exception>
    /// <exception cref="InvalidOperationException">The database holds memory of another embedder, or a <c>mem.*</c> collection of another shape.</exception>
    public static AgentMemory Attach(AgentDatabase database, AgentMemoryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        options ??= new AgentMemoryOptions();
        if (options.Layout.Functional || options.Layout.SessionShards != 1)
        {
            throw new ArgumentException("A memory attached to a database is unsharded: use the default layout, or AgentMemory.Open for shards.", nameof(options));
        }

        options.Cache.Validate();
        bool owns = options.Embedder is null;
        IEmbedder embedder = options.Embedder ?? DefaultEmbedder();
        try
        {
            var context = new MemoryContext(MemoryStores.Attach(database), embedder, new QueryCache(options.Cache));
            return new AgentMemory(context, owns, database);
        }
        catch
        {
            if (owns)
            {
                embedder.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// Runs the memory's setup writes (collections, index, embedder record) that waited for a replica's database to be
    /// promoted; true when none is left. Cheap when there is none. A server calls it before each operation so that a
    /// promoted member serves its memory at once.
    /// </summary>
    /// <exception cref="InvalidOperationException">A collection has another shape, or the memory was written with another embedder.</exception>
    public bool CompleteSetup()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _context.CompleteSetup();
    }

    /// <summary>Starts a batch of writes executed as one atomic write (see <see cref="MemoryBatch"/>).</summary>
    public MemoryBatch CreateBatch()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return new MemoryBatch(this, _context);
    }

    /// <summary>Checkpoints every store (flushes records and index segments, trims the logs).</summary>
    public void Checkpoint()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        foreach (AgentDatabase store in _context.Stores.All)
        {
            store.Checkpoint();
        }
    }

    /// <summary>The cache's counters and every store's statistics.</summary>
    public MemoryStats GetStats()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var stores = new List<DatabaseStats>(_context.Stores.All.Count);
        foreach (AgentDatabase store in _context.Stores.All)
        {
            stores.Add(store.GetStats());
        }

        QueryCache cache = _context.Cache;
        return new MemoryStats(_context.Embedder.Name, _context.Dimension, cache.Hits, cache.Misses, cache.Invalidations, cache.Count, stores);
    }

    /// <summary>Closes every store (committing their logs) and, if the memory created it, the embedder.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_attached is not null)
        {
            _attached.ReplicatedEntriesApplied -= _onReplicated;
        }

        _context.Stores.Dispose();
        if (_ownsEmbedder)
        {
            _context.Embedder.Dispose();
        }
    }

    private static IEmbedder DefaultEmbedder() => Embedders.Default();
}
