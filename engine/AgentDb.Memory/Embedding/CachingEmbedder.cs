using System.Buffers;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace AgentDb.Memory.Embedding;

/// <summary>
/// Wraps an embedder with an LRU cache of vectors keyed by the text's XxHash128 (over its UTF-16 code units) and its
/// length, so a repeated text is never embedded twice. Thread-safe.
/// </summary>
/// <remarks>
/// A hit hashes the text, looks it up and copies the cached floats into the destination: no allocation. A batch
/// looks every text up first and hands only the misses (each distinct text once) to the inner embedder in one
/// <see cref="IEmbedder.EmbedBatch"/> call. Embedding runs outside the cache's lock, so two threads missing the same
/// text at once may both embed it (the second result replaces the first; they are equal for a deterministic model).
/// Vectors are stored in pages of 256 rows allocated as the cache fills, so a large capacity costs nothing until used.
/// </remarks>
public sealed class CachingEmbedder : IEmbedder
{
    /// <summary>Cached vectors when no capacity is given.</summary>
    public const int DefaultCapacity = 10_000;

    private const int PageRows = 256;
    private const int None = -1;

    private readonly IEmbedder _inner;
    private readonly bool _ownsInner;
    private readonly int _dimension;
    private readonly Lock _lock = new();
    private readonly Dictionary<TextKey, int> _slots;
    private readonly TextKey[] _keys;
    private readonly int[] _newer;
    private readonly int[] _older;
    private readonly float[]?[] _pages;
    private int _count;
    private int _newest = None;
    private int _oldest = None;
    private long _hits;
    private long _misses;

    /// <summary>Caches the vectors of <paramref name="inner"/>.</summary>
    /// <param name="inner">The embedder to call on a miss.</param>
    /// <param name="capacity">The most vectors kept; the least recently used is dropped beyond it.</param>
    /// <param name="ownsInner">Whether disposing this embedder disposes <paramref name="inner"/> (default true).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is below 1.</exception>
    public CachingEmbedder(IEmbedder inner, int capacity = DefaultCapacity, bool ownsInner = true)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _inner = inner;
        _ownsInner = ownsInner;
        _dimension = inner.Dimension;
        Capacity = capacity;
        _slots = new Dictionary<TextKey, int>(Math.Min(capacity, 1024));
        _keys = new TextKey[capacity];
        _newer = new int[capacity];
        _older = new int[capacity];
        _pages = new float[]?[((capacity - 1) / PageRows) + 1];
    }

    /// <summary>The inner embedder's name: the cache does not change the vectors.</summary>
    public string Name => _inner.Name;

    /// <inheritdoc/>
    public int Dimension => _dimension;

    /// <summary>The inner embedder.</summary>
    public IEmbedder Inner => _inner;

    /// <summary>The most vectors kept.</summary>
    public int Capacity { get; }

    /// <summary>Vectors cached now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>Texts answered from the cache since creation.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Texts the inner embedder was asked for (or will be) since creation.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <inheritdoc/>
    public void Embed(string text, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(text);
        EmbeddingArguments.CheckDestination(destination, 1, _dimension);
        TextKey key = TextKey.Of(text);
        lock (_lock)
        {
            if (TryCopy(key, destination))
            {
                _hits++;
                return;
            }

            _misses++;
        }

        _inner.Embed(text, destination);
        lock (_lock)
        {
            Store(key, destination);
        }
    }

    /// <inheritdoc/>
    public void EmbedBatch(IReadOnlyList<string> texts, Span<float> destination)
    {
        EmbeddingArguments.CheckBatch(texts, destination, _dimension);
        int count = texts.Count;
        if (count == 0)
        {
            return;
        }

        int dimension = _dimension;
        TextKey[] keys = ArrayPool<TextKey>.Shared.Rent(count);
        int[] missed = ArrayPool<int>.Shared.Rent(count);
        try
        {
            for (int i = 0; i < count; i++)
            {
                keys[i] = TextKey.Of(texts[i]);
            }

            int misses = 0;
            lock (_lock)
            {
                for (int i = 0; i < count; i++)
                {
                    if (TryCopy(keys[i], destination.Slice(i * dimension, dimension)))
                    {
                        _hits++;
                    }
                    else
                    {
                        missed[misses++] = i;
                    }
                }

                _misses += misses;
            }

            if (misses > 0)
            {
                EmbedMisses(texts, keys, missed.AsSpan(0, misses), destination);
            }
        }
        finally
        {
            ArrayPool<TextKey>.Shared.Return(keys);
            ArrayPool<int>.Shared.Return(missed);
        }
    }

    /// <summary>Drops every cached vector (the counters stay).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _slots.Clear();
            _count = 0;
            _newest = None;
            _oldest = None;
        }
    }

    /// <summary>Disposes the inner embedder if this cache owns it.</summary>
    public void Dispose()
    {
        if (_ownsInner)
        {
            _inner.Dispose();
        }
    }

    /// <summary>
    /// Embeds the texts at <paramref name="missed"/> (indexes into <paramref name="texts"/>) in one inner batch, each
    /// distinct text once, caches them and copies them to their rows.
    /// </summary>
    private void EmbedMisses(IReadOnlyList<string> texts, TextKey[] keys, ReadOnlySpan<int> missed, Span<float> destination)
    {
        int dimension = _dimension;

        // unique[u] is the first index of the u-th distinct missed text; rowOf[m] the unique row of missed[m].
        int[] unique = ArrayPool<int>.Shared.Rent(missed.Length);
        int[] rowOf = ArrayPool<int>.Shared.Rent(missed.Length);
        string[] batch = ArrayPool<string>.Shared.Rent(missed.Length);
        float[]? vectors = null;
        try
        {
            int distinct = 0;
            Dictionary<TextKey, int>? seen = missed.Length > 1 ? new Dictionary<TextKey, int>(missed.Length) : null;
            for (int m = 0; m < missed.Length; m++)
            {
                int index = missed[m];
                if (seen is not null && seen.TryGetValue(keys[index], out int row))
                {
                    rowOf[m] = row;
                    continue;
                }

                seen?.TryAdd(keys[index], distinct);
                unique[distinct] = index;
                batch[distinct] = texts[index];
                rowOf[m] = distinct++;
            }

            vectors = ArrayPool<float>.Shared.Rent(distinct * dimension);
            Span<float> embedded = vectors.AsSpan(0, distinct * dimension);
            _inner.EmbedBatch(new ArraySegment<string>(batch, 0, distinct), embedded);
            lock (_lock)
            {
                for (int u = 0; u < distinct; u++)
                {
                    Store(keys[unique[u]], embedded.Slice(u * dimension, dimension));
                }
            }

            for (int m = 0; m < missed.Length; m++)
            {
                embedded.Slice(rowOf[m] * dimension, dimension).CopyTo(destination.Slice(missed[m] * dimension, dimension));
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(unique);
            ArrayPool<int>.Shared.Return(rowOf);
            ArrayPool<string>.Shared.Return(batch, clearArray: true);
            if (vectors is not null)
            {
                ArrayPool<float>.Shared.Return(vectors);
            }
        }
    }

    /// <summary>Copies the cached vector of <paramref name="key"/> and marks it newest. Caller holds the lock.</summary>
    private bool TryCopy(in TextKey key, Span<float> destination)
    {
        if (!_slots.TryGetValue(key, out int slot))
        {
            return false;
        }

        Touch(slot);
        Row(slot).CopyTo(destination);
        return true;
    }

    /// <summary>Caches <paramref name="vector"/> under <paramref name="key"/>, evicting the oldest when full. Caller holds the lock.</summary>
    private void Store(in TextKey key, ReadOnlySpan<float> vector)
    {
        if (_slots.TryGetValue(key, out int slot))
        {
            Touch(slot);
        }
        else
        {
            if (_count < Capacity)
            {
                slot = _count++;
            }
            else
            {
                slot = _oldest;
                Unlink(slot);
                _slots.Remove(_keys[slot]);
            }

            _keys[slot] = key;
            _slots.Add(key, slot);
            LinkNewest(slot);
        }

        vector.CopyTo(Row(slot));
    }

    private Span<float> Row(int slot)
    {
        int page = slot / PageRows;
        float[] rows = _pages[page] ??= new float[Math.Min(PageRows, Capacity - (page * PageRows)) * _dimension];
        return rows.AsSpan((slot % PageRows) * _dimension, _dimension);
    }

    private void Touch(int slot)
    {
        if (slot != _newest)
        {
            Unlink(slot);
            LinkNewest(slot);
        }
    }

    private void Unlink(int slot)
    {
        int newer = _newer[slot];
        int older = _older[slot];
        if (newer == None)
        {
            _newest = older;
        }
        else
        {
            _older[newer] = older;
        }

        if (older == None)
        {
            _oldest = newer;
        }
        else
        {
            _newer[older] = newer;
        }
    }

    private void LinkNewest(int slot)
    {
        _newer[slot] = None;
        _older[slot] = _newest;
        if (_newest != None)
        {
            _newer[_newest] = slot;
        }

        _newest = slot;
        if (_oldest == None)
        {
            _oldest = slot;
        }
    }

    /// <summary>A text's cache key: its 128-bit XxHash and its length (a collision must also match the length).</summary>
    private readonly struct TextKey : IEquatable<TextKey>
    {
        private readonly UInt128 _hash;
        private readonly int _length;

        private TextKey(UInt128 hash, int length)
        {
            _hash = hash;
            _length = length;
        }

        public static TextKey Of(string text) =>
            new(XxHash128.HashToUInt128(MemoryMarshal.AsBytes(text.AsSpan())), text.Length);

        public bool Equals(TextKey other) => _hash == other._hash && _length == other._length;

        public override bool Equals(object? obj) => obj is TextKey other && Equals(other);

        public override int GetHashCode() => (int)(ulong)_hash;
    }
}
