using AgentDb.Storage;

namespace AgentDb;

/// <summary>
/// Compares a collection's records with the segments loaded for it, which reflect the log up to
/// <c>segmentLsn</c>. The record store is the truth: a record last written at or before that LSN whose id is live in a
/// segment is kept as it is there; every other record with a vector is collected for insertion; every id left live in
/// the segments (records deleted, changed or stripped of their vector since, or tombstones lost) is stale.
/// </summary>
internal struct SegmentCatchUp : IVectorVisitor
{
    private readonly long _segmentLsn;
    private readonly HashSet<long> _liveInSegments;
    private VectorRebuildBuffer _changed;

    /// <param name="dimension">The collection's dimension.</param>
    /// <param name="segmentLsn">The LSN the segments reflect.</param>
    /// <param name="liveInSegments">Every id live in the segments; consumed: what remains after the visit is stale.</param>
    public SegmentCatchUp(int dimension, long segmentLsn, HashSet<long> liveInSegments)
    {
        _segmentLsn = segmentLsn;
        _liveInSegments = liveInSegments;
        _changed = new VectorRebuildBuffer(dimension);
    }

    /// <summary>Ids live in the segments that must be deleted there.</summary>
    public readonly IEnumerable<long> StaleIds => _liveInSegments;

    /// <summary>Records to insert: written after the segments' LSN, or missing from them.</summary>
    public readonly ReadOnlySpan<long> Ids => _changed.Ids;

    /// <summary>Their vectors, row i for <see cref="Ids"/>[i].</summary>
    public readonly ReadOnlySpan<float> Vectors => _changed.Vectors;

    public void Visit(long internalId, long lsn, ReadOnlySpan<float> vector)
    {
        if (lsn <= _segmentLsn && _liveInSegments.Remove(internalId))
        {
            return; // unchanged since the checkpoint: the segment holds this very vector
        }

        _changed.Visit(internalId, lsn, vector);
    }
}
