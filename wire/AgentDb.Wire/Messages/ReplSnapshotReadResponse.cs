using System.Buffers;
using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>REPL_SNAPSHOT_READ response: <c>[data: bin]</c>; empty at the end of the file.</summary>
public sealed class ReplSnapshotReadResponse : IWireMessage<ReplSnapshotReadResponse>
{
    /// <summary>Creates the response.</summary>
    public ReplSnapshotReadResponse(ReadOnlyMemory<byte> data) => Data = data;

    /// <summary>The bytes read.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(1);
        writer.Write(Data.Span);
    }

    /// <inheritdoc/>
    public static ReplSnapshotReadResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 1, "REPL_SNAPSHOT_READ response");
        if (reader.NextMessagePackType != MessagePackType.Binary)
        {
            throw new WireFormatException("data must be bin");
        }
        var data = reader.ReadBytes() ?? throw new WireFormatException("data must be bin");
        Fields.SkipExtraFields(ref reader, count, 1);
        return new ReplSnapshotReadResponse(data.ToArray());
    }
}
