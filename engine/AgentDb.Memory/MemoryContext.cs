using AgentDb.Kernels;
using AgentDb.Memory.Caching;
using AgentDb.Memory.Embedding;
using AgentDb.Memory.Stores;

namespace AgentDb.Memory;

/// <summary>
/// What every controller shares: the stores, the embedder (vectors of <see cref="Dimension"/> floats, cosine) and the
/// query cache. Controllers write through <see cref="MemoryWriteSet"/> so that writes invalidate the cache before they
/// are acknowledged and can join a <c>MemoryBatch</c>.
/// </summary>
internal sealed class MemoryContext
{
    private readonly object _setupLock = new();
    private readonly List<(AgentDatabase Store, Action<AgentDatabase> Action)> _pendingSetup = [];
    private volatile int _pendingSetupCount;

    public MemoryContext(MemoryStores stores, IEmbedder embedder, QueryCache cache)
    {
        Stores = stores;
        Embedder = embedder;
        Cache = cache;
    }

    public MemoryStores Stores { get; }

    public IEmbedder Embedder { get; }

    public QueryCache Cache { get; }

    public int Dimension => Embedder.Dimension;

    /// <summary>Whether setup writes wait for a store to become the primary (see <see cref="Setup"/>).</summary>
    public bool SetupPending => _pendingSetupCount != 0;

    /// <summary>
    /// Runs <paramref name="action"/> (a setup write: create a collection, an index, the memory's metadata) on
    /// <paramref name="store"/> now when the store takes writes; on a replica, keeps it for <see cref="CompleteSetup"/>
    /// to run once the store is promoted. Actions run in the order they were given.
    /// </summary>
    public void Setup(AgentDatabase store, Action<AgentDatabase> action)
    {
        lock (_setupLock)
        {
            if (_pendingSetup.Count == 0 && store.Role == DatabaseRole.Primary)
            {
                action(store);
                return;
            }

            _pendingSetup.Add((store, action));
            _pendingSetupCount = _pendingSetup.Count;
        }

        CompleteSetup();
    }

    /// <summary>
    /// Runs the setup writes kept while their store was a replica, for every store that is the primary now. True when
    /// nothing is left pending. Cheap when nothing is pending (one volatile read).
    /// </summary>
    /// <exception cref="InvalidOperationException">A collection exists with another dimension or metric, or the memory's metadata names another embedder.</exception>
    public bool CompleteSetup()
    {
        if (_pendingSetupCount == 0)
        {
            return true;
        }

        lock (_setupLock)
        {
            while (_pendingSetup.Count > 0)
            {
                (AgentDatabase store, Action<AgentDatabase> action) = _pendingSetup[0];
                if (store.Role != DatabaseRole.Primary)
                {
                    break; // in order: what follows may depend on it (an index on a collection)
                }

                try
                {
                    action(store);
                }
                catch (NotPrimaryException)
                {
                    break; // demoted meanwhile: stays pending
                }

                _pendingSetup.RemoveAt(0);
                _pendingSetupCount = _pendingSetup.Count;
            }

            return _pendingSetup.Count == 0;
        }
    }

    /// <summary>The scope flag of a kind of memory.</summary>
    public static MemoryScope ScopeOf(MemoryKind kind) => (MemoryScope)(1 << (int)kind);

    /// <summary>
    /// Creates <paramref name="collection"/> in every shard of <paramref name="kind"/> if missing (vector-free collections use dimension 1 and store no vectors),
    /// and checks an existing one has the expected dimension and metric.
    /// </summary>
    /// <exception cref="InvalidOperationException">The collection exists with another dimension or metric.</exception>
    public void EnsureCollection(MemoryKind kind, string collection, int dimension, DistanceMetric metric = DistanceMetric.Cosine)
    {
        for (int s = 0; s < Stores.ShardCount(kind); s++)
        {
            EnsureCollectionIn(Stores.Shard(kind, s), collection, dimension, metric);
        }
    }

    /// <summary><see cref="EnsureCollection"/> for one store.</summary>
    /// <exception cref="InvalidOperationException">The collection exists with another dimension or metric.</exception>
    public void EnsureCollectionIn(AgentDatabase store, string collection, int dimension, DistanceMetric metric = DistanceMetric.Cosine)
    {
        if (Find(store, collection) is { } found)
        {
            CheckShape(store, found, dimension, metric);
        }
        else
        {
            // On a replica the primary's own creation arrives by replication; created here only once promoted.
            Setup(store, db => CreateOrCheck(db, collection, dimension, metric));
        }
    }

    private static void CreateOrCheck(AgentDatabase store, string collection, int dimension, DistanceMetric metric)
    {
        try
        {
            store.CreateCollection(collection, dimension, metric);
        }
        catch (CollectionAlreadyExistsException)
        {
            CheckShape(store, Find(store, collection) ?? throw new CollectionNotFoundException(collection), dimension, metric);
        }
    }

    private static void CheckShape(AgentDatabase store, CollectionInfo found, int dimension, DistanceMetric metric)
    {
        if (found.Dimension != dimension || found.Metric != metric)
        {
            throw new InvalidOperationException(
                $"The collection '{found.Name}' in '{store.Path}' has dimension {found.Dimension} and metric {found.Metric}; " +
                $"this memory needs dimension {dimension} and metric {metric}.");
        }
    }

    /// <summary>Embeds <paramref name="text"/> or checks the caller's vector, returning the vector to use.</summary>
    /// <exception cref="ArgumentException">The caller's vector has the wrong dimension, or neither text nor vector is given.</exception>
    public float[] VectorFor(string? text, ReadOnlyMemory<float> vector, string parameterName)
    {
        if (!vector.IsEmpty)
        {
            CheckDimension(vector.Length, parameterName);

            return vector.ToArray();
        }

        if (text is null)
        {
            throw new ArgumentException("Give either a text to embed or a vector.", parameterName);
        }

        var result = new float[Dimension];
        Embedder.Embed(text, result);
        return result;
    }

    /// <summary>Refuses a vector whose length is not the embedder's dimension.</summary>
    /// <exception cref="ArgumentException">The length differs.</exception>
    public void CheckDimension(int length, string parameterName)
    {
        if (length != Dimension)
        {
            throw new ArgumentException($"The vector has {length} dimensions; this memory's embedder ({Embedder.Name}) uses {Dimension}.", parameterName);
        }
    }

    /// <summary>Refuses a vector of the wrong dimension or with a non-finite value.</summary>
    /// <exception cref="ArgumentException">The vector is not usable.</exception>
    public void ValidateVector(ReadOnlySpan<float> vector, string parameterName)
    {
        CheckDimension(vector.Length, parameterName);
        for (int i = 0; i < vector.Length; i++)
        {
            if (!float.IsFinite(vector[i]))
            {
                throw new ArgumentException($"The vector holds a non-finite value at index {i}.", parameterName);
            }
        }
    }

    private static CollectionInfo? Find(AgentDatabase store, string collection)
    {
        foreach (CollectionInfo info in store.ListCollections())
        {
            if (info.Name == collection)
            {
                return info;
            }
        }

        return null;
    }
}
