using System.Buffers;
using AgentDb.Server.Network.Handlers;
using AgentDb.Wire.Frames;

namespace AgentDb.Server.Replication;

/// <summary>
/// REPL_ACK, REPL_SNAPSHOT and REPL_SNAPSHOT_READ in a failover cluster: served by the current primary's
/// <see cref="ReplicationSource"/>; NOT_PRIMARY naming the leader on any other member. REPL_SUBSCRIBE: <see cref="ClusterSubscribeGate"/>.
/// </summary>
internal sealed class ClusterReplicationGate(ClusterMember member, Opcode opcode) : IRequestHandler
{
    public ValueTask<HandlerResult> HandleAsync(HandlerRequest request, IBufferWriter<byte> responseBody, CancellationToken cancellationToken)
    {
        if (member.Source is not { } source)
        {
            return ValueTask.FromResult(member.Refusal("this server is not the primary"));
        }
        IRequestHandler handler = opcode switch
        {
            Opcode.ReplAck => new ReplAckHandler(source),
            Opcode.ReplSnapshot => new ReplSnapshotHandler(source),
            _ => new ReplSnapshotReadHandler(source),
        };
        return handler.HandleAsync(request, responseBody, cancellationToken);
    }
}
