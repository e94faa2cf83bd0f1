namespace AgentDb.Wire;

/// <summary>Facts about the wire protocol that server and client share.</summary>
public static class WireInfo
{
    /// <summary>The protocol version this codec speaks.</summary>
    public const int ProtocolVersion = 1;
}
