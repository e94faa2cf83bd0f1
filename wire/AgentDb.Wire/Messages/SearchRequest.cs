using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>SEARCH request: <c>[collection: str, vector: bin, k: uint, ef: uint, filter: map|nil, includeVector: bool,
/// includePayload: bool, minLsn?: uint]</c>. <c>ef</c> 0 means the server's default; the filter is a MessagePack map whose grammar the
/// server defines (field → value equality in version 1); <c>minLsn</c> as in GET (<see cref="GetRequest.MinLsn"/>).</summary>
public sealed class SearchRequest : IWireMessage<SearchRequest>
{
    /// <summary>The largest k a request may ask for.</summary>
    public const int MaxK = 10_000;

    /// <summary>Creates the request.</summary>
    public SearchRequest(
        string collection, ReadOnlyMemory<float> vector, int k, int ef, ReadOnlyMemory<byte> filter,
        bool includeVector, bool includePayload, ulong minLsn = 0)
    {
        MinLsn = minLsn;
        Collection = collection;
        Vector = vector;
        K = k;
        Ef = ef;
        Filter = filter;
        IncludeVector = includeVector;
        IncludePayload = includePayload;
    }

    /// <summary>The collection.</summary>
    public string Collection { get; }

    /// <summary>The query vector.</summary>
    public ReadOnlyMemory<float> Vector { get; }

    /// <summary>How many neighbours, 1–<see cref="MaxK"/>.</summary>
    public int K { get; }

    /// <summary>The search beam width; 0 for the default.</summary>
    public int Ef { get; }

    /// <summary>The filter as one raw MessagePack map; empty for none.</summary>
    public ReadOnlyMemory<byte> Filter { get; }

    /// <summary>Return each hit's vector.</summary>
    public bool IncludeVector { get; }

    /// <summary>Return each hit's payload.</summary>
    public bool IncludePayload { get; }

    /// <summary>The <c>minLsn</c> field: the LSN the server must have applied before searching; 0 for none.</summary>
    public ulong MinLsn { get; }

    /// <summary>Where <c>minLsn</c> is in the body's array (<see cref="OptionalFields"/>).</summary>
    public const int MinLsnField = 7;

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(MinLsn == 0 ? 7 : 8);
        writer.Write(Collection);
        Fields.WriteVector(ref writer, Vector);
        writer.Write(K);
        writer.Write(Ef);
        Fields.WriteRawMap(ref writer, Filter, "filter");
        writer.Write(IncludeVector);
        writer.Write(IncludePayload);
        if (MinLsn != 0)
        {
            writer.Write(MinLsn);
        }
    }

    /// <inheritdoc/>
    public static SearchRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 7, "SEARCH");
        var collection = Fields.ReadString(ref reader, WireLimits.MaxNameBytes, "collection");
        var vector = Fields.ReadVector(ref reader, "vector", allowNil: false);
        var k = (int)Fields.ReadUInt32(ref reader, "k", MaxK);
        if (k == 0)
        {
            throw new WireFormatException("k must be at least 1");
        }
        var ef = (int)Fields.ReadUInt32(ref reader, "ef", 1_000_000);
        var filter = Fields.ReadRawMap(ref reader, "filter");
        var includeVector = Fields.ReadBoolean(ref reader, "includeVector");
        var includePayload = Fields.ReadBoolean(ref reader, "includePayload");
        var minLsn = count > MinLsnField ? Fields.ReadUInt64(ref reader, "minLsn") : 0;
        Fields.SkipExtraFields(ref reader, count, MinLsnField + 1);
        return new SearchRequest(collection, vector, k, ef, filter, includeVector, includePayload, minLsn);
    }
}
