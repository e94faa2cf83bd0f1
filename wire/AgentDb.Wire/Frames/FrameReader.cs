using System.Buffers;

namespace AgentDb.Wire.Frames;

/// <summary>
/// Cuts frames out of a byte stream. Never allocates, never throws for an incomplete frame, and rejects a frame that
/// is too large as soon as its header has arrived, before any of its body is buffered.
/// </summary>
public static class FrameReader
{
    /// <summary>Reads the next frame from the front of <paramref name="buffer"/>.</summary>
    /// <param name="buffer">On <see cref="FrameStatus.Complete"/>, sliced past the frame; otherwise unchanged.</param>
    /// <param name="maxFrameSize">The largest frame accepted, header included; at least <see cref="FrameHeader.Size"/>.</param>
    /// <param name="frame">The frame when the result is <see cref="FrameStatus.Complete"/>. On a protocol error other
    /// than <see cref="FrameStatus.BadMagic"/>, its header holds what was read (for the error reply's request id).</param>
    /// <returns><see cref="FrameStatus.Complete"/>, <see cref="FrameStatus.Incomplete"/>, or a protocol error.</returns>
    public static FrameStatus Read(ref ReadOnlySequence<byte> buffer, int maxFrameSize, out Frame frame)
    {
        frame = default;
        var reader = new SequenceReader<byte>(buffer);
        if (!FrameHeader.TryRead(ref reader, out var header))
        {
            // Check the magic as soon as two bytes are there, so garbage is refused without waiting for 24 bytes.
            return buffer.Length >= 2 && !StartsWithMagic(buffer) ? FrameStatus.BadMagic : FrameStatus.Incomplete;
        }

        var status = Check(header, maxFrameSize);
        if (status != FrameStatus.Complete)
        {
            if (status != FrameStatus.BadMagic)
            {
                frame = new Frame(header, default);
            }
            return status;
        }
        frame = new Frame(header, default);
        if (reader.Remaining < header.BodyLength)
        {
            return FrameStatus.Incomplete;
        }

        var body = buffer.Slice(reader.Position, header.BodyLength);
        frame = new Frame(header, body);
        buffer = buffer.Slice(body.End);
        return FrameStatus.Complete;
    }

    /// <summary>
    /// Reads the next frame from the front of one contiguous span (the fast path over a pipe's first segment): the same
    /// checks as <see cref="Read(ref ReadOnlySequence{byte}, int, out Frame)"/>, with the body left in place at
    /// <c>buffer[FrameHeader.Size..(FrameHeader.Size + header.BodyLength)]</c>.
    /// </summary>
    /// <param name="buffer">Bytes from a frame boundary on.</param>
    /// <param name="maxFrameSize">The largest frame accepted, header included; at least <see cref="FrameHeader.Size"/>.</param>
    /// <param name="header">The header when the result is <see cref="FrameStatus.Complete"/>; on a protocol error other
    /// than <see cref="FrameStatus.BadMagic"/>, what was read (for the error reply's request id).</param>
    /// <returns><see cref="FrameStatus.Complete"/> when the whole frame is in <paramref name="buffer"/>,
    /// <see cref="FrameStatus.Incomplete"/> when it is not (it may continue past the span), or a protocol error.</returns>
    public static FrameStatus Read(ReadOnlySpan<byte> buffer, int maxFrameSize, out FrameHeader header)
    {
        if (buffer.Length < FrameHeader.Size)
        {
            header = default;
            return buffer.Length >= 2 && !StartsWithMagic(buffer) ? FrameStatus.BadMagic : FrameStatus.Incomplete;
        }

        header = FrameHeader.Read(buffer);
        var status = Check(header, maxFrameSize);
        if (status != FrameStatus.Complete)
        {
            if (status == FrameStatus.BadMagic)
            {
                header = default; // not a frame: nothing in it is meaningful
            }
            return status;
        }
        return buffer.Length - FrameHeader.Size < header.BodyLength ? FrameStatus.Incomplete : FrameStatus.Complete;
    }

    /// <summary>Reads the next frame, throwing on a protocol error.</summary>
    /// <param name="buffer">Sliced past the frame when this returns true; unchanged otherwise.</param>
    /// <param name="maxFrameSize">The largest frame accepted, header included.</param>
    /// <param name="frame">The frame when this returns true.</param>
    /// <returns>False when more bytes are needed.</returns>
    /// <exception cref="WireProtocolException">The bytes are not a valid frame; the connection cannot continue.</exception>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxFrameSize, out Frame frame)
    {
        var status = Read(ref buffer, maxFrameSize, out frame);
        return status switch
        {
            FrameStatus.Complete => true,
            FrameStatus.Incomplete => false,
            _ => throw new WireProtocolException(status, frame.Header.RequestId, Describe(status, frame.Header, maxFrameSize)),
        };
    }

    /// <summary>A one-sentence reason for a protocol error, suitable for an error body.</summary>
    public static string Describe(FrameStatus status, FrameHeader header, int maxFrameSize) => status switch
    {
        FrameStatus.BadMagic => "bad frame magic: expected bytes 0xAD 0xB1",
        FrameStatus.UnsupportedVersion => $"unsupported frame version {header.Version}: this server speaks {WireInfo.ProtocolVersion}",
        FrameStatus.ReservedBitsSet => "undefined flag bits or reserved header fields are not zero",
        FrameStatus.TooLarge => $"frame of {(long)header.BodyLength + FrameHeader.Size} bytes exceeds the maximum of {maxFrameSize}",
        FrameStatus.Incomplete => "incomplete frame",
        _ => "complete frame",
    };

    /// <summary>The header's checks: <see cref="FrameStatus.Complete"/> when it is valid (whatever the body).</summary>
    private static FrameStatus Check(in FrameHeader header, int maxFrameSize)
    {
        if (header.Magic != FrameHeader.MagicValue)
        {
            return FrameStatus.BadMagic;
        }
        if (header.Version != WireInfo.ProtocolVersion)
        {
            return FrameStatus.UnsupportedVersion;
        }
        if ((header.Flags & ~FrameHeader.DefinedFlags) != 0 || header.Reserved16 != 0 || header.Reserved32 != 0)
        {
            return FrameStatus.ReservedBitsSet;
        }
        // Compared as 64-bit so a length near uint.MaxValue cannot wrap.
        if ((long)header.BodyLength + FrameHeader.Size > maxFrameSize)
        {
            return FrameStatus.TooLarge;
        }
        return FrameStatus.Complete;
    }

    private static bool StartsWithMagic(ReadOnlySpan<byte> buffer) =>
        buffer[0] == (byte)(FrameHeader.MagicValue & 0xFF) && buffer[1] == (byte)(FrameHeader.MagicValue >> 8);

    private static bool StartsWithMagic(ReadOnlySequence<byte> buffer)
    {
        Span<byte> first = stackalloc byte[2];
        buffer.Slice(0, 2).CopyTo(first);
        return StartsWithMagic(first);
    }
}
