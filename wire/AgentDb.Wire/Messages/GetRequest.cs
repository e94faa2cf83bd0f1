using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>GET request: <c>[collection: str, id: str, includeVector: bool]</c>. NOT_FOUND when the record is absent.</summary>
public sealed class GetRequest : IWireMessage<GetRequest>
{
    /// <summary>Creates the request.</summary>
    public GetRequest(string collection, string id, bool includeVector)
    {
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

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(3);
        writer.Write(Collection);
        writer.Write(Id);
        writer.Write(IncludeVector);
    }

    /// <inheritdoc/>
    public static GetRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 3, "GET");
        var collection = Fields.ReadString(ref reader, WireLimits.MaxNameBytes, "collection");
        var id = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "id");
        var includeVector = Fields.ReadBoolean(ref reader, "includeVector");
        Fields.SkipExtraFields(ref reader, count, 3);
        return new GetRequest(collection, id, includeVector);
    }
}
