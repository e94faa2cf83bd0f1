using System.IO.Hashing;

namespace AgentDb.Index.Segments;

/// <summary>
/// Appends blocks to a segment file being written: pads each to <see cref="SegmentHeader.BlockAlignment"/>, hashes its
/// bytes as they pass and returns its table entry.
/// </summary>
internal sealed class SegmentBlockWriter(Stream file)
{
    private static readonly byte[] s_padding = new byte[SegmentHeader.BlockAlignment];

    private readonly XxHash64 _hash = new();
    private ulong _start;

    public void Begin()
    {
        int padding = (int)(-file.Position & (SegmentHeader.BlockAlignment - 1));
        file.Write(s_padding, 0, padding);
        _start = (ulong)file.Position;
        _hash.Reset();
    }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        file.Write(bytes);
        _hash.Append(bytes);
    }

    public SegmentBlockEntry End() => new()
    {
        Offset = _start,
        Length = (ulong)file.Position - _start,
        Checksum = _hash.GetCurrentHashAsUInt64(),
    };
}
