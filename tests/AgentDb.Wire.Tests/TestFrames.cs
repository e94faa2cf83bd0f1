using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Wire.Tests;

/// <summary>Whole frames as byte arrays, for feeding readers.</summary>
internal static class TestFrames
{
    public static byte[] Raw(Opcode opcode, FrameFlags flags, ulong requestId, byte[] body)
    {
        var frame = new byte[FrameHeader.Size + body.Length];
        new FrameHeader(opcode, flags, requestId, (uint)body.Length).Write(frame);
        body.CopyTo(frame, FrameHeader.Size);
        return frame;
    }

    public static byte[] Message<T>(Opcode opcode, FrameFlags flags, ulong requestId, T message) where T : IWireMessage<T>
    {
        using var buffer = new FrameBuffer();
        return buffer.Build(opcode, flags, requestId, message).ToArray();
    }

    /// <summary>A header with its fields as given, valid or not.</summary>
    public static byte[] Header(
        ushort magic = FrameHeader.MagicValue, byte version = 1, byte flags = 0, ushort opcode = 2,
        ushort reserved16 = 0, ulong requestId = 7, uint bodyLength = 0, uint reserved32 = 0)
    {
        var header = new FrameHeader
        {
            Magic = magic,
            Version = version,
            Flags = (FrameFlags)flags,
            Opcode = (Opcode)opcode,
            Reserved16 = reserved16,
            RequestId = requestId,
            BodyLength = bodyLength,
            Reserved32 = reserved32,
        };
        var bytes = new byte[FrameHeader.Size];
        header.Write(bytes);
        return bytes;
    }
}
