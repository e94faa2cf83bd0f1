using AgentDb.Server.Network.Handlers;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Replication;

/// <summary>REPL_SNAPSHOT_READ on a primary: a piece of a snapshot's file (<see cref="ReplicationSource.ReadSnapshotAsync"/>).</summary>
internal sealed class ReplSnapshotReadHandler(ReplicationSource source) : MessageHandler<ReplSnapshotReadRequest, ReplSnapshotReadResponse>
{
    protected override async ValueTask<ReplSnapshotReadResponse> HandleAsync(
        ReplSnapshotReadRequest message, HandlerRequest request, CancellationToken cancellationToken) =>
        new(await source.ReadSnapshotAsync(message, cancellationToken).ConfigureAwait(false));
}
