using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>GET response: <c>[id: str, vector: bin|nil, payload: map|nil, version: uint]</c>.</summary>
public sealed class GetResponse : IWireMessage<GetResponse>
{
    /// <summary>Creates the response.</summary>
    public GetResponse(string id, ReadOnlyMemory<float> vector, ReadOnlyMemory<byte> payload, ulong version)
    {
        Id = id;
        Vector = vector;
        Payload = payload;
        Version = version;
    }

    /// <summary>The record id.</summary>
    public string Id { get; }

    /// <summary>The vector; empty when not requested.</summary>
    public ReadOnlyMemory<float> Vector { get; }

    /// <summary>The payload as one raw MessagePack map; empty when the record has none.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>The record's version.</summary>
    public ulong Version { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(4);
        writer.Write(Id);
        Fields.WriteVector(ref writer, Vector);
        Fields.WriteRawMap(ref writer, Payload, "payload");
        writer.Write(Version);
    }

    /// <inheritdoc/>
    public static GetResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 4, "GET response");
        var id = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "id");
        var vector = Fields.ReadVector(ref reader, "vector", allowNil: true);
        var payload = Fields.ReadRawMap(ref reader, "payload");
        var version = Fields.ReadUInt64(ref reader, "version");
        Fields.SkipExtraFields(ref reader, count, 4);
        return new GetResponse(id, vector, payload, version);
    }
}
