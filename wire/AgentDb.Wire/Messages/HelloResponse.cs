using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>HELLO response: <c>[version: uint, serverName: str, role: uint, maxFrameSize: uint, maxInFlight: uint]</c>.</summary>
public sealed class HelloResponse : IWireMessage<HelloResponse>
{
    /// <summary>Creates a HELLO response.</summary>
    public HelloResponse(int version, string serverName, AccessRole role, int maxFrameSize, int maxInFlight)
    {
        Version = version;
        ServerName = serverName;
        Role = role;
        MaxFrameSize = maxFrameSize;
        MaxInFlight = maxInFlight;
    }

    /// <summary>The protocol version both sides now speak.</summary>
    public int Version { get; }

    /// <summary>The server's name and version, e.g. "agentdb/0.1.0".</summary>
    public string ServerName { get; }

    /// <summary>What the key may do (<see cref="AccessRole.Admin"/> when authentication is off).</summary>
    public AccessRole Role { get; }

    /// <summary>The largest frame the server accepts, header included.</summary>
    public int MaxFrameSize { get; }

    /// <summary>How many requests the server accepts in flight on this connection before answering BUSY.</summary>
    public int MaxInFlight { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(5);
        writer.Write(Version);
        writer.Write(ServerName);
        writer.Write((byte)Role);
        writer.Write(MaxFrameSize);
        writer.Write(MaxInFlight);
    }

    /// <inheritdoc/>
    public static HelloResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 5, "HELLO response");
        var version = (int)Fields.ReadUInt32(ref reader, "version", byte.MaxValue);
        var name = Fields.ReadString(ref reader, WireLimits.MaxTextBytes, "serverName", allowEmpty: true);
        var role = (AccessRole)Fields.ReadUInt32(ref reader, "role", (uint)AccessRole.Replication);
        var maxFrame = (int)Fields.ReadUInt32(ref reader, "maxFrameSize", int.MaxValue);
        var maxInFlight = (int)Fields.ReadUInt32(ref reader, "maxInFlight", int.MaxValue);
        Fields.SkipExtraFields(ref reader, count, 5);
        return new HelloResponse(version, name, role, maxFrame, maxInFlight);
    }
}
