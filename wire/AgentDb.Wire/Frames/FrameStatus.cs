namespace AgentDb.Wire.Frames;

/// <summary>The outcome of <see cref="FrameReader.Read(ref System.Buffers.ReadOnlySequence{byte}, int, out Frame)"/>. Every value but the first two is a protocol error.</summary>
public enum FrameStatus
{
    /// <summary>A whole frame was read.</summary>
    Complete,

    /// <summary>More bytes are needed; nothing was consumed.</summary>
    Incomplete,

    /// <summary>The first two bytes are not 0xAD 0xB1: not this protocol, or the stream lost its place.</summary>
    BadMagic,

    /// <summary>The version byte is not a version this codec speaks.</summary>
    UnsupportedVersion,

    /// <summary>An undefined flag bit, or a reserved header field, is not zero.</summary>
    ReservedBitsSet,

    /// <summary>Header plus body would exceed the receiver's maximum frame size.</summary>
    TooLarge,
}
