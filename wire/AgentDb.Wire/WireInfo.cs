namespace AgentDb.Wire;

/// <summary>Facts about the wire protocol that server and client share.</summary>
public static class WireInfo
{
    /// <summary>The protocol version this codec speaks: the frame header's version byte and the version HELLO agrees on.</summary>
    public const int ProtocolVersion = 1;

    /// <summary>The largest frame (header and body) a peer accepts unless configured otherwise: 16 MiB.</summary>
    public const int DefaultMaxFrameSize = 16 * 1024 * 1024;
}
