using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>
/// REPL_SNAPSHOT response: <c>[snapshotId: str, appliedLsn: uint, files: [[path, length], …]]</c>. The snapshot holds
/// every entry up to <see cref="AppliedLsn"/>; the replica subscribes from the LSN after it once it restored the files.
/// </summary>
public sealed class ReplSnapshotResponse : IWireMessage<ReplSnapshotResponse>
{
    /// <summary>The most files one snapshot may list.</summary>
    public const int MaxFiles = 100_000;

    /// <summary>Creates the response.</summary>
    public ReplSnapshotResponse(string snapshotId, ulong appliedLsn, IReadOnlyList<SnapshotFile> files)
    {
        SnapshotId = snapshotId;
        AppliedLsn = appliedLsn;
        Files = files;
    }

    /// <summary>Names the snapshot in REPL_SNAPSHOT_READ.</summary>
    public string SnapshotId { get; }

    /// <summary>The last LSN the snapshot reflects.</summary>
    public ulong AppliedLsn { get; }

    /// <summary>The snapshot's files.</summary>
    public IReadOnlyList<SnapshotFile> Files { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(3);
        writer.Write(SnapshotId);
        writer.Write(AppliedLsn);
        writer.WriteArrayHeader(Files.Count);
        for (var i = 0; i < Files.Count; i++)
        {
            writer.WriteArrayHeader(2);
            writer.Write(Files[i].Path);
            writer.Write(Files[i].Length);
        }
    }

    /// <inheritdoc/>
    public static ReplSnapshotResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 3, "REPL_SNAPSHOT response");
        var id = Fields.ReadString(ref reader, WireLimits.MaxNameBytes, "snapshotId");
        var applied = Fields.ReadUInt64(ref reader, "appliedLsn");
        var fileCount = Fields.ReadListCount(ref reader, "files", MaxFiles);
        var files = new SnapshotFile[fileCount];
        for (var i = 0; i < fileCount; i++)
        {
            var fields = Fields.ReadFieldCount(ref reader, 2, "snapshot file");
            var path = Fields.ReadString(ref reader, WireLimits.MaxTextBytes, "file.path");
            var length = Fields.ReadUInt64(ref reader, "file.length");
            Fields.SkipExtraFields(ref reader, fields, 2);
            files[i] = new SnapshotFile(path, length);
        }
        Fields.SkipExtraFields(ref reader, count, 3);
        return new ReplSnapshotResponse(id, applied, files);
    }
}
