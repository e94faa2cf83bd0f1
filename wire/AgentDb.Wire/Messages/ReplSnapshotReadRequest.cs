using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>
/// REPL_SNAPSHOT_READ request: <c>[snapshotId: str, path: str, offset: uint, maxBytes: uint]</c>; response
/// <c>[data: bin]</c> (<see cref="ReplSnapshotReadResponse"/>), empty at the end of the file.
/// </summary>
public sealed class ReplSnapshotReadRequest : IWireMessage<ReplSnapshotReadRequest>
{
    /// <summary>Creates the request.</summary>
    public ReplSnapshotReadRequest(string snapshotId, string path, ulong offset, int maxBytes)
    {
        SnapshotId = snapshotId;
        Path = path;
        Offset = offset;
        MaxBytes = maxBytes;
    }

    /// <summary>The snapshot, as REPL_SNAPSHOT named it.</summary>
    public string SnapshotId { get; }

    /// <summary>A file the snapshot listed.</summary>
    public string Path { get; }

    /// <summary>Where to start reading.</summary>
    public ulong Offset { get; }

    /// <summary>The most bytes wanted.</summary>
    public int MaxBytes { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(4);
        writer.Write(SnapshotId);
        writer.Write(Path);
        writer.Write(Offset);
        writer.Write((uint)MaxBytes);
    }

    /// <inheritdoc/>
    public static ReplSnapshotReadRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 4, "REPL_SNAPSHOT_READ");
        var id = Fields.ReadString(ref reader, WireLimits.MaxNameBytes, "snapshotId");
        var path = Fields.ReadString(ref reader, WireLimits.MaxTextBytes, "path");
        var offset = Fields.ReadUInt64(ref reader, "offset");
        var maxBytes = (int)Fields.ReadUInt32(ref reader, "maxBytes", int.MaxValue);
        Fields.SkipExtraFields(ref reader, count, 4);
        return new ReplSnapshotReadRequest(id, path, offset, maxBytes);
    }
}
