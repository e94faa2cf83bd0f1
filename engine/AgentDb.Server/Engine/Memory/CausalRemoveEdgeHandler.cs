using AgentDb.Memory;
using AgentDb.Wire.Messages;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Engine.Memory;

/// <summary>CAUSAL_REMOVE_EDGE: <c>[removed]</c>, false when there was no such edge.</summary>
internal sealed class CausalRemoveEdgeHandler(AgentMemory memory) : MemoryOperation<CausalEdgeKeyRequest, DeleteResponse>(memory)
{
    protected override async ValueTask<DeleteResponse> ExecuteAsync(CausalEdgeKeyRequest message, CancellationToken cancellationToken) =>
        new(await Memory.Causal.RemoveEdgeAsync(message.From, message.To, message.Mechanism, cancellationToken).ConfigureAwait(false));
}
