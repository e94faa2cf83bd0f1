namespace AgentDb.Wire.Frames;

/// <summary>The flag bits of a frame header (offset 3). Persisted on the wire: values never change.</summary>
[Flags]
public enum FrameFlags : byte
{
    /// <summary>A request from a client.</summary>
    None = 0,

    /// <summary>The frame answers the request with the same request id.</summary>
    Response = 0x01,

    /// <summary>The body is an error body (<c>[code, message, primary]</c>) instead of the operation's response. Only set together with <see cref="Response"/>.</summary>
    Error = 0x02,
}
