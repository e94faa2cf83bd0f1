using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>GET request: <c>[collection: str, id: str, includeVector: bool, minLsn?: uint]</c>. NOT_FOUND when the record
/// is absent. <c>minLsn</c> (written only when above 0; absent reads as 0): the server answers only once it has applied
/// at least this LSN (read-your-writes on a replica), waiting a bounded time, else BUSY.</summary>
public sealed class GetRequest : IWireMessage<GetRequest>
{
    /// <summary>Creates the request.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="id">The record id.</param>
    /// <param name="includeVector">Return the vector too.</param>
    /// <param name="minLsn">The LSN the server must have applied before it reads; 0 for no condition.</param>
    public GetRequest(string collection, string id, bool includeVector, ulong minLsn = 0)
    {
        MinLsn = minLsn;
        Collection = collection;
        Id = id;
        IncludeVector = includeVector;
    }

    /// <summary>The collection.</summary>
    public string Collection { get; }

    /// <summary>The record id.</summary>
    public string Id { get; }

    /// <summary>Return the vector too (it is usually the largest part).</summary>
    public bool IncludeVector { get; }

    /// <summary>The <c>minLsn</c> field: the LSN (a write's version) the server must have applied before reading; 0 for none.</summary>
    public ulong MinLsn { get; }

    /// <summary>Where <c>minLsn</c> is in the body's array (<see cref="OptionalFields"/>).</summary>
    public const int MinLsnField = 3;

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(MinLsn == 0 ? 3 : 4);
        writer.Write(Collection);
        writer.Write(Id);
        writer.Write(IncludeVector);
        if (MinLsn != 0)
        {
            writer.Write(MinLsn);
        }
    }

    /// <inheritdoc/>
    public static GetRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 3, "GET");
        var collection = Fields.ReadString(ref reader, WireLimits.MaxNameBytes, "collection");
        var id = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "id");
        var includeVector = Fields.ReadBoolean(ref reader, "includeVector");
        var minLsn = count > MinLsnField ? Fields.ReadUInt64(ref reader, "minLsn") : 0;
        Fields.SkipExtraFields(ref reader, count, MinLsnField + 1);
        return new GetRequest(collection, id, includeVector, minLsn);
    }
}
