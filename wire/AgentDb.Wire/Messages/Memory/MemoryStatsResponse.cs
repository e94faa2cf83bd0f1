using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>MEMORY_STATS response (the request is <c>[]</c>): <c>[embedder: str, dimension: uint, stats: map str →
/// int]</c>. Statistic names are dotted lower-case words (<c>records</c>, <c>stores</c>, <c>cache.hits</c>, …); a
/// client must ignore names it does not know.</summary>
public sealed class MemoryStatsResponse : IWireMessage<MemoryStatsResponse>
{
    /// <summary>Creates the response.</summary>
    public MemoryStatsResponse(string embedder, int dimension, IReadOnlyList<KeyValuePair<string, long>> values)
    {
        Embedder = embedder;
        Dimension = dimension;
        Values = values;
    }

    /// <summary>The embedder's name (e.g. <c>all-MiniLM-L6-v2</c>).</summary>
    public string Embedder { get; }

    /// <summary>The embedding dimension every vector of the memory has.</summary>
    public int Dimension { get; }

    /// <summary>The statistics, in the order the server wrote them.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Values { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(3);
        writer.Write(Embedder);
        writer.Write(Dimension);
        writer.WriteMapHeader(Values.Count);
        for (var i = 0; i < Values.Count; i++)
        {
            writer.Write(Values[i].Key);
            writer.Write(Values[i].Value);
        }
    }

    /// <inheritdoc/>
    public static MemoryStatsResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 3, "MEMORY_STATS response");
        var embedder = Fields.ReadString(ref reader, WireLimits.MaxTextBytes, "embedder");
        var dimension = (int)Fields.ReadUInt32(ref reader, "dimension", WireLimits.MaxDimension);
        var entries = Fields.ReadMapCount(ref reader, "stats");
        var values = new KeyValuePair<string, long>[entries];
        for (var i = 0; i < entries; i++)
        {
            var name = Fields.ReadString(ref reader, WireLimits.MaxTextBytes, "stats name");
            values[i] = new KeyValuePair<string, long>(name, Fields.ReadInt64(ref reader, name));
        }
        Fields.SkipExtraFields(ref reader, count, 3);
        return new MemoryStatsResponse(embedder, dimension, values);
    }
}
