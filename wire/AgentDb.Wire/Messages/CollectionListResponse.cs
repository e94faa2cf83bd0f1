using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>COLLECTION_LIST response: <c>[collections: [CollectionInfo...]]</c>. The request is <see cref="EmptyMessage"/>.</summary>
public sealed class CollectionListResponse : IWireMessage<CollectionListResponse>
{
    /// <summary>Creates the response.</summary>
    public CollectionListResponse(IReadOnlyList<CollectionInfo> collections) => Collections = collections;

    /// <summary>Every collection, in name order.</summary>
    public IReadOnlyList<CollectionInfo> Collections { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(1);
        writer.WriteArrayHeader(Collections.Count);
        for (var i = 0; i < Collections.Count; i++)
        {
            Collections[i].Write(ref writer);
        }
    }

    /// <inheritdoc/>
    public static CollectionListResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 1, "COLLECTION_LIST response");
        var entries = Fields.ReadListCount(ref reader, "collections");
        var collections = new CollectionInfo[entries];
        for (var i = 0; i < entries; i++)
        {
            collections[i] = CollectionInfo.Read(ref reader);
        }
        Fields.SkipExtraFields(ref reader, count, 1);
        return new CollectionListResponse(collections);
    }
}
