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
            AgentDatabase store = Stores.Shard(kind, s);
            CollectionInfo? found = null;
            foreach (CollectionInfo info in store.ListCollections())
            {
                if (info.Name == collection)
                {
                    found = info;
                    break;
                }
            }

            if (found is null)
            {
                try
                {
                    store.CreateCollection(collection, dimension, metric);
                    continue;
                }
                catch (CollectionAlreadyExistsException)
                {
                    found = FindOrThrow(store, collection);
                }
            }

            if (found.Dimension != dimension || found.Metric != metric)
            {
                throw new InvalidOperationException(
                    $"The collection '{collection}' in '{store.Path}' has dimension {found.Dimension} and metric {found.Metric}; " +
                    $"this memory needs dimension {dimension} and metric {metric}.");
            }
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

    private static CollectionInfo FindOrThrow(AgentDatabase store, string collection)
    {
        foreach (CollectionInfo info in store.ListCollections())
        {
            if (info.Name == collection)
            {
                return info;
            }
        }

        throw new CollectionNotFoundException(collection);
    }
}
