using AgentDb.Server.Network.Handlers;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Replication;

/// <summary>REPL_ACK on a primary: records the replica's applied LSN (<see cref="ReplicationSource.Acknowledge"/>).</summary>
internal sealed class ReplAckHandler(ReplicationSource source) : MessageHandler<ReplAckRequest, EmptyMessage>
{
    protected override ValueTask<EmptyMessage> HandleAsync(ReplAckRequest message, HandlerRequest request, CancellationToken cancellationToken)
    {
        source.Acknowledge(message.ReplicaId, message.AppliedLsn);
        return ValueTask.FromResult(EmptyMessage.Instance);
    }
}
