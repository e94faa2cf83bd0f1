using AgentDb.Storage;

namespace AgentDb;

/// <summary>Collects a collection's stored vectors into flat arrays for <c>ICollectionVectorIndex.Rebuild</c>.</summary>
internal struct VectorRebuildBuffer : IVectorVisitor
{
    private long[] _ids;
    private float[] _vectors;
    private readonly int _dimension;

    public VectorRebuildBuffer(int dimension)
    {
        _dimension = dimension;
        _ids = new long[64];
        _vectors = new float[64 * dimension];
        Count = 0;
    }

    public int Count { get; private set; }

    public readonly ReadOnlySpan<long> Ids => _ids.AsSpan(0, Count);

    public readonly ReadOnlySpan<float> Vectors => _vectors.AsSpan(0, Count * _dimension);

    public void Visit(long internalId, long lsn, ReadOnlySpan<float> vector)
    {
        if (vector.Length != _dimension)
        {
            return; // cannot happen for records written through the database; skip rather than poison the index
        }

        if (Count == _ids.Length)
        {
            Array.Resize(ref _ids, _ids.Length * 2);
            Array.Resize(ref _vectors, _ids.Length * _dimension);
        }

        _ids[Count] = internalId;
        vector.CopyTo(_vectors.AsSpan(Count * _dimension));
        Count++;
    }
}
