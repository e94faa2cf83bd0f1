using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace AgentDb.Index.Segments;

/// <summary>
/// The first <see cref="Size"/> bytes of a segment file, little-endian; docs/SEGMENT_FORMAT.md gives every byte.
/// The layout is explicit so it can be read and written in place; the engine only runs on little-endian hosts.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal struct SegmentHeader
{
    public const int Size = 256;

    /// <summary>"AGDBHNSW" read as a little-endian uint64.</summary>
    public const ulong ExpectedMagic = 0x57534E4842444741UL;

    public const uint CurrentVersion = 1;

    public const int BlockCount = 7;

    /// <summary>Every block starts at a multiple of this, so vectors start on a cache line.</summary>
    public const int BlockAlignment = 64;

    /// <summary>Bytes covered by <see cref="HeaderChecksum"/>: everything before it.</summary>
    public const int ChecksummedBytes = 248;

    [FieldOffset(0)]
    public ulong Magic;

    [FieldOffset(8)]
    public uint FormatVersion;

    [FieldOffset(12)]
    public uint HeaderSize;

    [FieldOffset(16)]
    public ulong FileLength;

    [FieldOffset(24)]
    public uint Dimension;

    [FieldOffset(28)]
    public byte Metric;

    [FieldOffset(32)]
    public uint M;

    [FieldOffset(36)]
    public uint MaxDegree0;

    [FieldOffset(40)]
    public uint NodeCount;

    [FieldOffset(44)]
    public uint LiveCount;

    [FieldOffset(48)]
    public int MaxLevel;

    [FieldOffset(52)]
    public int EntryPoint;

    [FieldOffset(56)]
    public uint Blocks;

    [FieldOffset(60)]
    public uint EfSearch;

    [FieldOffset(64)]
    public SegmentBlockTable Table;

    [FieldOffset(248)]
    public ulong HeaderChecksum;

    public static ulong ComputeChecksum(ReadOnlySpan<byte> header) => XxHash64.HashToUInt64(header[..ChecksummedBytes]);
}
