using System.Buffers;

namespace AgentDb.Wire.Frames;

/// <summary>One complete frame: its validated header and its body, a slice of the buffer it was read from.</summary>
/// <remarks>The body is only valid until the buffer it came from is released (for a pipe, until <c>AdvanceTo</c>).</remarks>
public readonly struct Frame
{
    /// <summary>Pairs a header with its body.</summary>
    public Frame(FrameHeader header, ReadOnlySequence<byte> body)
    {
        Header = header;
        Body = body;
    }

    /// <summary>The validated header.</summary>
    public FrameHeader Header { get; }

    /// <summary>Exactly <see cref="FrameHeader.BodyLength"/> bytes of MessagePack body.</summary>
    public ReadOnlySequence<byte> Body { get; }
}
