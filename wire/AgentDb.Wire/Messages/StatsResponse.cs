using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>STATS response: <c>[stats: map str → int]</c>. Names are dotted, e.g. <c>records.live</c>; a client must
/// ignore names it does not know.</summary>
public sealed class StatsResponse : IWireMessage<StatsResponse>
{
    /// <summary>Creates the response.</summary>
    public StatsResponse(IReadOnlyList<KeyValuePair<string, long>> values) => Values = values;

    /// <summary>The statistics, in the order the server wrote them.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Values { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(1);
        writer.WriteMapHeader(Values.Count);
        for (var i = 0; i < Values.Count; i++)
        {
            writer.Write(Values[i].Key);
            writer.Write(Values[i].Value);
        }
    }

    /// <inheritdoc/>
    public static StatsResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 1, "STATS response");
        var entries = Fields.ReadMapCount(ref reader, "stats");
        var values = new KeyValuePair<string, long>[entries];
        for (var i = 0; i < entries; i++)
        {
            var name = Fields.ReadString(ref reader, WireLimits.MaxTextBytes, "stats name");
            values[i] = new KeyValuePair<string, long>(name, Fields.ReadInt64(ref reader, name));
        }
        Fields.SkipExtraFields(ref reader, count, 1);
        return new StatsResponse(values);
    }
}
