using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>STATS request: <c>[collection: str|nil]</c>; nil asks for the whole server.</summary>
public sealed class StatsRequest : IWireMessage<StatsRequest>
{
    /// <summary>Creates the request.</summary>
    public StatsRequest(string? collection) => Collection = collection;

    /// <summary>One collection, or null for the whole server.</summary>
    public string? Collection { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(1);
        Fields.WriteNullableString(ref writer, Collection);
    }

    /// <inheritdoc/>
    public static StatsRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 1, "STATS");
        var collection = Fields.ReadNullableString(ref reader, WireLimits.MaxNameBytes, "collection");
        Fields.SkipExtraFields(ref reader, count, 1);
        return new StatsRequest(collection);
    }
}
