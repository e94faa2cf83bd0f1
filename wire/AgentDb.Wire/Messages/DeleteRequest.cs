using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>DELETE request: <c>[collection: str, id: str]</c>.</summary>
public sealed class DeleteRequest : IWireMessage<DeleteRequest>
{
    /// <summary>Creates the request.</summary>
    public DeleteRequest(string collection, string id)
    {
        Collection = collection;
        Id = id;
    }

    /// <summary>The collection.</summary>
    public string Collection { get; }

    /// <summary>The record id.</summary>
    public string Id { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(2);
        writer.Write(Collection);
        writer.Write(Id);
    }

    /// <inheritdoc/>
    public static DeleteRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 2, "DELETE");
        var collection = Fields.ReadString(ref reader, WireLimits.MaxNameBytes, "collection");
        var id = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "id");
        Fields.SkipExtraFields(ref reader, count, 2);
        return new DeleteRequest(collection, id);
    }
}
