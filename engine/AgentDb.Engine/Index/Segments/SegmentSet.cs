using AgentDb.Index.Hnsw;

namespace AgentDb.Index.Segments;

/// <summary>
/// What a collection searches at one moment: its mutable index and its immutable segments, oldest first. Never
/// changed once published; sealing and compaction publish a new set, so a search works on one consistent set.
/// </summary>
internal sealed class SegmentSet(HnswIndex mutable, SealedSegment[] segments)
{
    public HnswIndex Mutable { get; } = mutable;

    public SealedSegment[] Segments { get; } = segments;
}
