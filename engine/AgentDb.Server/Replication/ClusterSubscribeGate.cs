using System.Buffers;
using AgentDb.Server.Network.Handlers;

namespace AgentDb.Server.Replication;

/// <summary>REPL_SUBSCRIBE in a failover cluster: streamed by the current primary's <see cref="ReplicationSource"/>; NOT_PRIMARY naming the leader elsewhere.</summary>
internal sealed class ClusterSubscribeGate(ClusterMember member) : IStreamingRequestHandler
{
    public ValueTask<HandlerResult> HandleAsync(HandlerRequest request, IBufferWriter<byte> responseBody, CancellationToken cancellationToken) =>
        member.Source is { } source
            ? new ReplSubscribeHandler(source).HandleAsync(request, responseBody, cancellationToken)
            : ValueTask.FromResult(member.Refusal("this server is not the primary"));

    public ValueTask<HandlerResult> HandleStreamAsync(HandlerRequest request, IResponseStream stream, IBufferWriter<byte> responseBody, CancellationToken cancellationToken) =>
        member.Source is { } source
            ? new ReplSubscribeHandler(source).HandleStreamAsync(request, stream, responseBody, cancellationToken)
            : ValueTask.FromResult(member.Refusal("this server is not the primary"));
}
