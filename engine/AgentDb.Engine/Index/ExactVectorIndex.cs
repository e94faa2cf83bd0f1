using System.Buffers;
using AgentDb.Kernels;

namespace AgentDb.Index;

/// <summary>
/// Exact nearest-neighbour search by scanning every vector with <see cref="Distance.ComputeMany"/>: vectors live back to
/// back in fixed chunks of 1024 rows (growth allocates one chunk and copies nothing), freed slots are refilled by moving
/// the last row in, so the rows stay dense.
/// </summary>
internal sealed class ExactVectorIndex : ICollectionVectorIndex
{
    private const int ChunkBits = 10;
    private const int ChunkRows = 1 << ChunkBits;
    private const int ChunkMask = ChunkRows - 1;

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<long, int> _slotOf = new();
    private readonly List<float[]> _chunks = new();
    private long[] _ids;
    private int _count;

    public ExactVectorIndex(int dimension, DistanceMetric metric)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        Dimension = dimension;
        Metric = metric;
        _ids = new long[16];
    }

    public int Dimension { get; }

    public DistanceMetric Metric { get; }

    public int Count => Volatile.Read(ref _count);

    public long MemoryBytes => ((long)_chunks.Count * ChunkRows * Dimension * sizeof(float)) + ((long)_ids.Length * sizeof(long)) + ((long)_slotOf.Count * 24);

    public void Upsert(long internalId, ReadOnlySpan<float> vector) => Put(internalId, vector);

    /// <summary>Inserts or replaces the vector of <paramref name="internalId"/>; returns whether the id was new.</summary>
    public bool Put(long internalId, ReadOnlySpan<float> vector)
    {
        CheckDimension(vector.Length);
        _lock.EnterWriteLock();
        try
        {
            bool added = false;
            if (!_slotOf.TryGetValue(internalId, out int slot))
            {
                slot = _count;
                EnsureCapacity(slot + 1);
                _slotOf.Add(internalId, slot);
                _ids[slot] = internalId;
                Volatile.Write(ref _count, slot + 1);
                added = true;
            }

            vector.CopyTo(Row(slot));
            return added;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>
    /// As <see cref="Put"/> for each pair in order (<paramref name="vectors"/>[i] holds the float32 bytes of
    /// <paramref name="internalIds"/>[i]), under one lock: an applied log entry's vectors in one call. Returns how many
    /// ids were new. Every vector is checked before any is stored.
    /// </summary>
    /// <exception cref="ArgumentException">The spans differ in length, or a vector is not of <see cref="Dimension"/> floats.</exception>
    public int PutMany(ReadOnlySpan<long> internalIds, ReadOnlySpan<ReadOnlyMemory<byte>> vectors)
    {
        if (internalIds.Length != vectors.Length)
        {
            throw new ArgumentException($"{internalIds.Length} ids but {vectors.Length} vectors.", nameof(vectors));
        }

        for (int i = 0; i < vectors.Length; i++)
        {
            CheckDimension(vectors[i].Length / sizeof(float));
            if ((vectors[i].Length & (sizeof(float) - 1)) != 0)
            {
                throw new ArgumentException($"Vector {i} has {vectors[i].Length} bytes, not a whole number of floats.", nameof(vectors));
            }
        }

        _lock.EnterWriteLock();
        try
        {
            EnsureCapacity(_count + internalIds.Length);
            int added = 0;
            for (int i = 0; i < internalIds.Length; i++)
            {
                long internalId = internalIds[i];
                if (!_slotOf.TryGetValue(internalId, out int slot))
                {
                    slot = _count;
                    _slotOf.Add(internalId, slot);
                    _ids[slot] = internalId;
                    Volatile.Write(ref _count, slot + 1);
                    added++;
                }

                vectors[i].Span.CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(Row(slot)));
            }

            return added;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public bool Delete(long internalId)
    {
        _lock.EnterWriteLock();
        try
        {
            if (!_slotOf.Remove(internalId, out int slot))
            {
                return false;
            }

            int last = _count - 1;
            if (slot != last)
            {
                long movedId = _ids[last];
                _ids[slot] = movedId;
                Row(last).CopyTo(Row(slot));
                _slotOf[movedId] = slot;
            }

            _count = last;
            return true;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public int Search(ReadOnlySpan<float> query, int k, Span<VectorSearchHit> results, IVectorIdFilter? filter = null)
    {
        CheckDimension(query.Length);
        k = Math.Min(k, results.Length);
        if (k <= 0)
        {
            return 0;
        }

        _lock.EnterReadLock();
        try
        {
            int n = _count;
            if (n == 0)
            {
                return 0;
            }

            float[] distances = ArrayPool<float>.Shared.Rent(n);
            try
            {
                for (int chunk = 0, first = 0; first < n; chunk++, first += ChunkRows)
                {
                    int rows = Math.Min(ChunkRows, n - first);
                    Distance.ComputeMany(Metric, query, _chunks[chunk].AsSpan(0, rows * Dimension), distances.AsSpan(first, rows));
                }

                return filter is null ? TopK(distances, n, k, results) : FilteredInOrder(distances, n, k, results, filter);
            }
            finally
            {
                ArrayPool<float>.Shared.Return(distances);
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// As <see cref="Search"/>, over the given ids only (ids not held are skipped): up to <paramref name="k"/> of them
    /// nearest first, the filter (if any) asked nearest first until k pass. Distances are computed as the full scan
    /// computes them, so the answer is the full scan's with a filter that accepts exactly these ids.
    /// </summary>
    public int SearchCandidates(ReadOnlySpan<float> query, ReadOnlySpan<long> candidates, int k, Span<VectorSearchHit> results, IVectorIdFilter? filter)
    {
        CheckDimension(query.Length);
        k = Math.Min(k, results.Length);
        if (k <= 0 || candidates.IsEmpty)
        {
            return 0;
        }

        float[] distances = ArrayPool<float>.Shared.Rent(candidates.Length);
        long[] ids = ArrayPool<long>.Shared.Rent(candidates.Length);
        try
        {
            int n = 0;
            _lock.EnterReadLock();
            try
            {
                foreach (long id in candidates)
                {
                    if (_slotOf.TryGetValue(id, out int slot))
                    {
                        ids[n] = id;
                        Distance.ComputeMany(Metric, query, Row(slot), distances.AsSpan(n, 1));
                        n++;
                    }
                }
            }
            finally
            {
                _lock.ExitReadLock();
            }

            Array.Sort(distances, ids, 0, n);
            int found = 0;
            for (int i = 0; i < n && found < k; i++)
            {
                if (filter is null || filter.Matches(ids[i]))
                {
                    results[found++] = new VectorSearchHit(ids[i], distances[i]);
                }
            }

            return found;
        }
        finally
        {
            ArrayPool<long>.Shared.Return(ids);
            ArrayPool<float>.Shared.Return(distances);
        }
    }

    public void Rebuild(ReadOnlySpan<long> ids, ReadOnlySpan<float> vectors)
    {
        if ((long)ids.Length * Dimension != vectors.Length)
        {
            throw new ArgumentException($"{ids.Length} ids need {(long)ids.Length * Dimension} floats; got {vectors.Length}.", nameof(vectors));
        }

        _lock.EnterWriteLock();
        try
        {
            _slotOf.Clear();
            _count = 0;
            EnsureCapacity(ids.Length);
            for (int i = 0; i < ids.Length; i++)
            {
                if (_slotOf.TryAdd(ids[i], _count))
                {
                    _ids[_count] = ids[i];
                    vectors.Slice(i * Dimension, Dimension).CopyTo(Row(_count));
                    _count++;
                }
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>A copy of every (id, vector) pair, row i of <paramref name="vectors"/> belonging to ids[i].</summary>
    public void Snapshot(out long[] ids, out float[] vectors)
    {
        _lock.EnterReadLock();
        try
        {
            ids = _ids.AsSpan(0, _count).ToArray();
            vectors = new float[(long)_count * Dimension];
            for (int slot = 0; slot < _count; slot++)
            {
                Row(slot).CopyTo(vectors.AsSpan(slot * Dimension, Dimension));
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Whether <paramref name="internalId"/> is held.</summary>
    public bool Contains(long internalId)
    {
        _lock.EnterReadLock();
        try
        {
            return _slotOf.ContainsKey(internalId);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// Copies up to <paramref name="ids"/>.Length rows (the first ones held) into <paramref name="ids"/> and
    /// <paramref name="vectors"/> (row i at <c>i * Dimension</c>); returns how many.
    /// </summary>
    public int CopyRows(Span<long> ids, Span<float> vectors)
    {
        _lock.EnterReadLock();
        try
        {
            int rows = Math.Min(_count, Math.Min(ids.Length, vectors.Length / Dimension));
            _ids.AsSpan(0, rows).CopyTo(ids);
            for (int slot = 0; slot < rows; slot++)
            {
                Row(slot).CopyTo(vectors.Slice(slot * Dimension, Dimension));
            }

            return rows;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public void Dispose() => _lock.Dispose();

    /// <summary>Unfiltered: a bounded max-heap of the k nearest, then sorted nearest first.</summary>
    private int TopK(float[] distances, int n, int k, Span<VectorSearchHit> results)
    {
        int size = 0;
        for (int i = 0; i < n; i++)
        {
            float d = distances[i];
            if (size < k)
            {
                results[size] = new VectorSearchHit(_ids[i], d);
                SiftUp(results, size++);
            }
            else if (d < results[0].Distance)
            {
                results[0] = new VectorSearchHit(_ids[i], d);
                SiftDown(results, 0, size);
            }
        }

        // Heap sort in place: repeatedly move the farthest to the end.
        for (int end = size - 1; end > 0; end--)
        {
            (results[0], results[end]) = (results[end], results[0]);
            SiftDown(results, 0, end);
        }

        return size;
    }

    /// <summary>Filtered: order every row by distance, then ask the filter nearest first until k pass.</summary>
    private int FilteredInOrder(float[] distances, int n, int k, Span<VectorSearchHit> results, IVectorIdFilter filter)
    {
        int[] order = ArrayPool<int>.Shared.Rent(n);
        try
        {
            for (int i = 0; i < n; i++)
            {
                order[i] = i;
            }

            Array.Sort(distances, order, 0, n);
            int found = 0;
            for (int i = 0; i < n && found < k; i++)
            {
                long id = _ids[order[i]];
                if (filter.Matches(id))
                {
                    results[found++] = new VectorSearchHit(id, distances[i]);
                }
            }

            return found;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(order);
        }
    }

    private static void SiftUp(Span<VectorSearchHit> heap, int index)
    {
        while (index > 0)
        {
            int parent = (index - 1) >> 1;
            if (heap[parent].Distance >= heap[index].Distance)
            {
                return;
            }

            (heap[parent], heap[index]) = (heap[index], heap[parent]);
            index = parent;
        }
    }

    private static void SiftDown(Span<VectorSearchHit> heap, int index, int size)
    {
        while (true)
        {
            int left = (2 * index) + 1;
            if (left >= size)
            {
                return;
            }

            int largest = left + 1 < size && heap[left + 1].Distance > heap[left].Distance ? left + 1 : left;
            if (heap[index].Distance >= heap[largest].Distance)
            {
                return;
            }

            (heap[index], heap[largest]) = (heap[largest], heap[index]);
            index = largest;
        }
    }

    private Span<float> Row(int slot) => _chunks[slot >> ChunkBits].AsSpan((slot & ChunkMask) * Dimension, Dimension);

    private void EnsureCapacity(int rows)
    {
        while (_chunks.Count * ChunkRows < rows)
        {
            _chunks.Add(GC.AllocateUninitializedArray<float>(ChunkRows * Dimension)); // rows past the count are never read
        }

        if (rows > _ids.Length)
        {
            Array.Resize(ref _ids, Math.Max(rows, _ids.Length * 2));
        }
    }

    private void CheckDimension(int length)
    {
        if (length != Dimension)
        {
            throw new ArgumentException($"The vector has dimension {length}; the index holds dimension {Dimension}.");
        }
    }
}
