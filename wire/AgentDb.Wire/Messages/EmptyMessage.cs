using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>The body of an operation with nothing to say: an empty array (<c>0x90</c>). Used by PING both ways, the
/// requests of COLLECTION_LIST and CHECKPOINT, and the responses of COLLECTION_CREATE and COLLECTION_DROP.</summary>
public sealed class EmptyMessage : IWireMessage<EmptyMessage>
{
    private EmptyMessage()
    {
    }

    /// <summary>The one instance.</summary>
    public static EmptyMessage Instance { get; } = new();

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer) => writer.WriteArrayHeader(0);

    /// <inheritdoc/>
    public static EmptyMessage Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 0, "empty");
        Fields.SkipExtraFields(ref reader, count, 0);
        return Instance;
    }
}
