using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>
/// REPL_SNAPSHOT request: <c>[replicaId: str]</c>. The primary writes a consistent backup of its database, keeps its log
/// from the backup's LSN on for this replica, and answers with the backup's files (<see cref="ReplSnapshotResponse"/>),
/// which the replica then reads with REPL_SNAPSHOT_READ.
/// </summary>
public sealed class ReplSnapshotRequest : IWireMessage<ReplSnapshotRequest>
{
    /// <summary>Creates the request.</summary>
    public ReplSnapshotRequest(string replicaId) => ReplicaId = replicaId;

    /// <summary>The replica's stable name, as in REPL_SUBSCRIBE.</summary>
    public string ReplicaId { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(1);
        writer.Write(ReplicaId);
    }

    /// <inheritdoc/>
    public static ReplSnapshotRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 1, "REPL_SNAPSHOT");
        var replicaId = Fields.ReadString(ref reader, WireLimits.MaxNameBytes, "replicaId");
        Fields.SkipExtraFields(ref reader, count, 1);
        return new ReplSnapshotRequest(replicaId);
    }
}
