using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace AgentDb.Wire.Frames;

/// <summary>
/// The fixed 24-byte header in front of every frame, all fields little-endian:
/// <code>
/// offset size field
///      0    2 magic        0xAD 0xB1 (uint16 0xB1AD)
///      2    1 version      1
///      3    1 flags        FrameFlags; undefined bits must be 0
///      4    2 opcode       Opcode
///      6    2 reserved     must be 0
///      8    8 request id   chosen by the client, echoed by the response
///     16    4 body length  bytes of MessagePack body after the header
///     20    4 reserved     must be 0
/// </code>
/// This struct only carries the values; <see cref="FrameReader"/> validates them.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct FrameHeader
{
    /// <summary>The header's size in bytes.</summary>
    public const int Size = 24;

    /// <summary>The magic number as a little-endian uint16: the bytes 0xAD 0xB1.</summary>
    public const ushort MagicValue = 0xB1AD;

    /// <summary>The flag bits this protocol version defines; any other bit set is a protocol error.</summary>
    public const FrameFlags DefinedFlags = FrameFlags.Response | FrameFlags.Error;

    /// <summary>Offset 0: <see cref="MagicValue"/> in a valid frame.</summary>
    [FieldOffset(0)] public ushort Magic;

    /// <summary>Offset 2: the frame format version, <see cref="WireInfo.ProtocolVersion"/>.</summary>
    [FieldOffset(2)] public byte Version;

    /// <summary>Offset 3: request, response or error response.</summary>
    [FieldOffset(3)] public FrameFlags Flags;

    /// <summary>Offset 4: the operation.</summary>
    [FieldOffset(4)] public Opcode Opcode;

    /// <summary>Offset 6: reserved, zero.</summary>
    [FieldOffset(6)] public ushort Reserved16;

    /// <summary>Offset 8: pairs a response with its request.</summary>
    [FieldOffset(8)] public ulong RequestId;

    /// <summary>Offset 16: the body's length in bytes.</summary>
    [FieldOffset(16)] public uint BodyLength;

    /// <summary>Offset 20: reserved, zero.</summary>
    [FieldOffset(20)] public uint Reserved32;

    /// <summary>A valid header for a frame of this protocol version.</summary>
    /// <param name="opcode">The operation.</param>
    /// <param name="flags">Request (<see cref="FrameFlags.None"/>), response or error response.</param>
    /// <param name="requestId">The request id.</param>
    /// <param name="bodyLength">The body's length in bytes.</param>
    public FrameHeader(Opcode opcode, FrameFlags flags, ulong requestId, uint bodyLength)
    {
        Magic = MagicValue;
        Version = WireInfo.ProtocolVersion;
        Flags = flags;
        Opcode = opcode;
        Reserved16 = 0;
        RequestId = requestId;
        BodyLength = bodyLength;
        Reserved32 = 0;
    }

    /// <summary>True when the frame is a response (successful or not).</summary>
    public readonly bool IsResponse => (Flags & FrameFlags.Response) != 0;

    /// <summary>True when the frame is an error response.</summary>
    public readonly bool IsError => (Flags & FrameFlags.Error) != 0;

    /// <summary>Reads the 24 header bytes without validating them.</summary>
    /// <param name="reader">Advanced past the header when this returns true; untouched otherwise.</param>
    /// <param name="header">The raw values.</param>
    /// <returns>False when fewer than <see cref="Size"/> bytes remain (never throws).</returns>
    public static bool TryRead(ref SequenceReader<byte> reader, out FrameHeader header)
    {
        if (reader.Remaining < Size)
        {
            header = default;
            return false;
        }
        var span = reader.UnreadSpan;
        if (span.Length >= Size)
        {
            header = Read(span);
        }
        else
        {
            // Split across segments: copy the few bytes to the stack (the Kestrel slow path).
            Span<byte> copy = stackalloc byte[Size];
            reader.TryCopyTo(copy);
            header = Read(copy);
        }
        reader.Advance(Size);
        return true;
    }

    /// <summary>Reads a header from the first <see cref="Size"/> bytes of <paramref name="source"/> without validating it.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="source"/> is shorter than <see cref="Size"/>.</exception>
    public static FrameHeader Read(ReadOnlySpan<byte> source)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(source.Length, Size, nameof(source));
        FrameHeader header;
        header.Magic = BinaryPrimitives.ReadUInt16LittleEndian(source);
        header.Version = source[2];
        header.Flags = (FrameFlags)source[3];
        header.Opcode = (Opcode)BinaryPrimitives.ReadUInt16LittleEndian(source[4..]);
        header.Reserved16 = BinaryPrimitives.ReadUInt16LittleEndian(source[6..]);
        header.RequestId = BinaryPrimitives.ReadUInt64LittleEndian(source[8..]);
        header.BodyLength = BinaryPrimitives.ReadUInt32LittleEndian(source[16..]);
        header.Reserved32 = BinaryPrimitives.ReadUInt32LittleEndian(source[20..]);
        return header;
    }

    /// <summary>Writes the header, little-endian, into the first <see cref="Size"/> bytes of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="destination"/> is shorter than <see cref="Size"/>.</exception>
    public readonly void Write(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Size, nameof(destination));
        BinaryPrimitives.WriteUInt16LittleEndian(destination, Magic);
        destination[2] = Version;
        destination[3] = (byte)Flags;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], (ushort)Opcode);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], Reserved16);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], RequestId);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], BodyLength);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[20..], Reserved32);
    }
}
