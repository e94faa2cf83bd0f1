using AgentDb.Server.Network.Handlers;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Replication;

/// <summary>REPL_SNAPSHOT on a primary: a backup for the replica to start from (<see cref="ReplicationSource.CreateSnapshotAsync"/>).</summary>
internal sealed class ReplSnapshotHandler(ReplicationSource source) : MessageHandler<ReplSnapshotRequest, ReplSnapshotResponse>
{
    protected override ValueTask<ReplSnapshotResponse> HandleAsync(ReplSnapshotRequest message, HandlerRequest request, CancellationToken cancellationToken) =>
        source.CreateSnapshotAsync(message.ReplicaId, cancellationToken);
}
