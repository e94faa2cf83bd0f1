using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>DELETE response: <c>[deleted: bool]</c>; false when there was no such record (not an error).</summary>
public sealed class DeleteResponse : IWireMessage<DeleteResponse>
{
    /// <summary>Creates the response.</summary>
    public DeleteResponse(bool deleted) => Deleted = deleted;

    /// <summary>True when a record was deleted.</summary>
    public bool Deleted { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(1);
        writer.Write(Deleted);
    }

    /// <inheritdoc/>
    public static DeleteResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 1, "DELETE response");
        var deleted = Fields.ReadBoolean(ref reader, "deleted");
        Fields.SkipExtraFields(ref reader, count, 1);
        return new DeleteResponse(deleted);
    }
}
