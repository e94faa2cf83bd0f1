using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>UPSERT request: <c>[collection: str, id: str, vector: bin|nil, payload: map|nil, w?: uint]</c>. The vector is
/// little-endian float32s; the payload is any MessagePack map, stored as given. <c>w</c> (written only when above 0;
/// absent reads as 0): the replicas that must have applied the write before it is answered, 0 for the server's mode.</summary>
public sealed class UpsertRequest : IWireMessage<UpsertRequest>
{
    /// <summary>Creates the request.</summary>
    /// <exception cref="ArgumentException">On write, when <paramref name="payload"/> is not exactly one MessagePack map.</exception>
    /// <param name="collection">The collection.</param>
    /// <param name="id">The record id.</param>
    /// <param name="vector">The vector; empty keeps the stored one.</param>
    /// <param name="payload">One MessagePack map, or empty for none.</param>
    /// <param name="replicas">Replicas that must have applied the write before the answer (0–<see cref="WireLimits.MaxReplicas"/>; 0: the server's mode).</param>
    public UpsertRequest(string collection, string id, ReadOnlyMemory<float> vector, ReadOnlyMemory<byte> payload, int replicas = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(replicas);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(replicas, WireLimits.MaxReplicas);
        Replicas = replicas;
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

    /// <summary>The <c>w</c> field: replicas that must have applied the write before the answer; 0 for the server's mode.</summary>
    public int Replicas { get; }

    /// <summary>Where <c>w</c> is in the body's array (<see cref="OptionalFields"/>).</summary>
    public const int ReplicasField = 4;

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(Replicas == 0 ? 4 : 5);
        writer.Write(Collection);
        writer.Write(Id);
        Fields.WriteVector(ref writer, Vector);
        Fields.WriteRawMap(ref writer, Payload, "payload");
        if (Replicas != 0)
        {
            writer.Write((uint)Replicas);
        }
    }

    /// <inheritdoc/>
    public static UpsertRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 4, "UPSERT");
        var collection = Fields.ReadString(ref reader, WireLimits.MaxNameBytes, "collection");
        var id = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "id");
        var vector = Fields.ReadVector(ref reader, "vector", allowNil: true);
        var payload = Fields.ReadRawMap(ref reader, "payload");
        var replicas = count > ReplicasField ? (int)Fields.ReadUInt32(ref reader, "w", WireLimits.MaxReplicas) : 0;
        Fields.SkipExtraFields(ref reader, count, ReplicasField + 1);
        return new UpsertRequest(collection, id, vector, payload, replicas);
    }
}
