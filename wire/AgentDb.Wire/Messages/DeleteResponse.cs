using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>DELETE response: <c>[deleted: bool, lsn?: uint]</c>; false when there was no such record (not an error).
/// <c>lsn</c> (written by servers since it was added; absent reads as 0): an LSN at least the delete's, for a read's
/// <c>minLsn</c>.</summary>
public sealed class DeleteResponse : IWireMessage<DeleteResponse>
{
    /// <summary>Creates the response.</summary>
    /// <param name="deleted">True when a record was deleted.</param>
    /// <param name="lsn">An LSN the delete is covered by (0: not known, an old server).</param>
    public DeleteResponse(bool deleted, ulong lsn = 0)
    {
        Deleted = deleted;
        Lsn = lsn;
    }

    /// <summary>True when a record was deleted.</summary>
    public bool Deleted { get; }

    /// <summary>The server's applied LSN right after the delete: at least the delete's own; 0 when not known.</summary>
    public ulong Lsn { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(Lsn == 0 ? 1 : 2);
        writer.Write(Deleted);
        if (Lsn != 0)
        {
            writer.Write(Lsn);
        }
    }

    /// <inheritdoc/>
    public static DeleteResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 1, "DELETE response");
        var deleted = Fields.ReadBoolean(ref reader, "deleted");
        var lsn = count > 1 ? Fields.ReadUInt64(ref reader, "lsn") : 0;
        Fields.SkipExtraFields(ref reader, count, 2);
        return new DeleteResponse(deleted, lsn);
    }
}
