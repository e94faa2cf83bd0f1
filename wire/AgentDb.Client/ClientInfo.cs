namespace AgentDb.Client;

/// <summary>Facts about this client build.</summary>
public static class ClientInfo
{
    /// <summary>The protocol version the client asks for in HELLO.</summary>
    public const int ProtocolVersion = AgentDb.Wire.WireInfo.ProtocolVersion;
}
