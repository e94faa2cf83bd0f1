using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>COLLECTION_DROP request: <c>[name: str]</c>. The response is <see cref="EmptyMessage"/>; NOT_FOUND when
/// there is no such collection.</summary>
public sealed class CollectionDropRequest : IWireMessage<CollectionDropRequest>
{
    /// <summary>Creates the request.</summary>
    public CollectionDropRequest(string name) => Name = name;

    /// <summary>The collection to drop.</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(1);
        writer.Write(Name);
    }

    /// <inheritdoc/>
    public static CollectionDropRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 1, "COLLECTION_DROP");
        var name = Fields.ReadString(ref reader, WireLimits.MaxNameBytes, "name");
        Fields.SkipExtraFields(ref reader, count, 1);
        return new CollectionDropRequest(name);
    }
}
