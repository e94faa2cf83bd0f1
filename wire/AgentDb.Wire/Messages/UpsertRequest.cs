using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>UPSERT request: <c>[collection: str, id: str, vector: bin|nil, payload: map|nil]</c>. The vector is
/// little-endian float32s; the payload is any MessagePack map, stored as given.</summary>
public sealed class UpsertRequest : IWireMessage<UpsertRequest>
{
    /// <summary>Creates the request.</summary>
    /// <exception cref="ArgumentException">On write, when <paramref name="payload"/> is not exactly one MessagePack map.</exception>
    public UpsertRequest(string collection, string id, ReadOnlyMemory<float> vector, ReadOnlyMemory<byte> payload)
    {
        Collection = collection;
        Id = id;
        Vector = vector;
        Payload = payload;
    }

    /// <summary>The collection.</summary>
    public string Collection { get; }

    /// <summary>The record id, 1–512 UTF-8 bytes.</summary>
    public string Id { get; }

    /// <summary>The vector; empty keeps the stored one (nil on the wire).</summary>
    public ReadOnlyMemory<float> Vector { get; }

    /// <summary>The payload as one raw MessagePack map; empty for none (nil on the wire).</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(4);
        writer.Write(Collection);
        writer.Write(Id);
        Fields.WriteVector(ref writer, Vector);
        Fields.WriteRawMap(ref writer, Payload, "payload");
    }

    /// <inheritdoc/>
    public static UpsertRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 4, "UPSERT");
        var collection = Fields.ReadString(ref reader, WireLimits.MaxNameBytes, "collection");
        var id = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "id");
        var vector = Fields.ReadVector(ref reader, "vector", allowNil: true);
        var payload = Fields.ReadRawMap(ref reader, "payload");
        Fields.SkipExtraFields(ref reader, count, 4);
        return new UpsertRequest(collection, id, vector, payload);
    }
}
