using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>HELLO request: <c>[minVersion: uint, maxVersion: uint, apiKey: str|nil, clientName: str|nil]</c>.</summary>
public sealed class HelloRequest : IWireMessage<HelloRequest>
{
    /// <summary>Creates a HELLO request.</summary>
    public HelloRequest(int minVersion, int maxVersion, string? apiKey, string? clientName)
    {
        MinVersion = minVersion;
        MaxVersion = maxVersion;
        ApiKey = apiKey;
        ClientName = clientName;
    }

    /// <summary>The oldest protocol version the client speaks.</summary>
    public int MinVersion { get; }

    /// <summary>The newest protocol version the client speaks; at least <see cref="MinVersion"/>.</summary>
    public int MaxVersion { get; }

    /// <summary>The API key, or null when the server runs without authentication.</summary>
    public string? ApiKey { get; }

    /// <summary>A name for logs, e.g. "agentdb-dotnet/0.1.0".</summary>
    public string? ClientName { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(4);
        writer.Write(MinVersion);
        writer.Write(MaxVersion);
        Fields.WriteNullableString(ref writer, ApiKey);
        Fields.WriteNullableString(ref writer, ClientName);
    }

    /// <inheritdoc/>
    public static HelloRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 4, "HELLO");
        var min = (int)Fields.ReadUInt32(ref reader, "minVersion", byte.MaxValue);
        var max = (int)Fields.ReadUInt32(ref reader, "maxVersion", byte.MaxValue);
        if (max < min)
        {
            throw new WireFormatException($"maxVersion {max} is below minVersion {min}");
        }
        var key = Fields.ReadNullableString(ref reader, WireLimits.MaxApiKeyBytes, "apiKey");
        var name = Fields.ReadNullableString(ref reader, WireLimits.MaxTextBytes, "clientName");
        Fields.SkipExtraFields(ref reader, count, 4);
        return new HelloRequest(min, max, key, name);
    }
}
