using System.Runtime.CompilerServices;

namespace AgentDb.Index.Segments;

/// <summary>The header's block table, indexed by <see cref="SegmentBlock"/>.</summary>
[InlineArray(SegmentHeader.BlockCount)]
internal struct SegmentBlockTable
{
    private SegmentBlockEntry _first;
}
