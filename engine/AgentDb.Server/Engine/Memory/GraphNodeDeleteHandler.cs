using AgentDb.Memory;
using AgentDb.Wire.Messages;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Engine.Memory;

/// <summary>GRAPH_NODE_DELETE: deletes the node with all its edges; <c>[deleted]</c> false when there was none.</summary>
internal sealed class GraphNodeDeleteHandler(AgentMemory memory) : MemoryOperation<MemoryIdRequest, DeleteResponse>(memory)
{
    protected override async ValueTask<DeleteResponse> ExecuteAsync(MemoryIdRequest message, CancellationToken cancellationToken) =>
        new(await Memory.Graph.DeleteNodeAsync(message.Id, cancellationToken).ConfigureAwait(false));
}
