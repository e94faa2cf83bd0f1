using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>One SEARCH result: <c>[id: str, distance: float32, payload: map|nil, vector: bin|nil]</c>.</summary>
public sealed class SearchHit
{
    /// <summary>Creates a hit.</summary>
    public SearchHit(string id, float distance, ReadOnlyMemory<byte> payload, ReadOnlyMemory<float> vector)
    {
        Id = id;
        Distance = distance;
        Payload = payload;
        Vector = vector;
    }

    /// <summary>The record id.</summary>
    public string Id { get; }

    /// <summary>The distance to the query under the collection's metric (smaller is closer).</summary>
    public float Distance { get; }

    /// <summary>The payload map when requested; otherwise empty.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>The vector when requested; otherwise empty.</summary>
    public ReadOnlyMemory<float> Vector { get; }

    internal void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(4);
        writer.Write(Id);
        writer.Write(Distance);
        Fields.WriteRawMap(ref writer, Payload, "payload");
        Fields.WriteVector(ref writer, Vector);
    }

    internal static SearchHit Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 4, "hit");
        var id = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "hit.id");
        var distance = Fields.ReadSingle(ref reader, "hit.distance");
        var payload = Fields.ReadRawMap(ref reader, "hit.payload");
        var vector = Fields.ReadVector(ref reader, "hit.vector", allowNil: true);
        Fields.SkipExtraFields(ref reader, count, 4);
        return new SearchHit(id, distance, payload, vector);
    }
}
