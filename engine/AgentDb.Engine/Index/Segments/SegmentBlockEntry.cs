using System.Runtime.InteropServices;

namespace AgentDb.Index.Segments;

/// <summary>One row of the header's block table: where a block is and the XxHash64 (seed 0) of its bytes.</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal struct SegmentBlockEntry
{
    public const int Size = 24;

    [FieldOffset(0)]
    public ulong Offset;

    [FieldOffset(8)]
    public ulong Length;

    [FieldOffset(16)]
    public ulong Checksum;
}
