using AgentDb.Memory;
using AgentDb.Wire.Messages;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Engine.Memory;

/// <summary>GRAPH_EDGE_DELETE: <c>[deleted]</c>, false when there was no such edge.</summary>
internal sealed class GraphEdgeDeleteHandler(AgentMemory memory) : MemoryOperation<MemoryIdRequest, DeleteResponse>(memory)
{
    protected override async ValueTask<DeleteResponse> ExecuteAsync(MemoryIdRequest message, CancellationToken cancellationToken) =>
        new(await Memory.Graph.DeleteEdgeAsync(message.Id, cancellationToken).ConfigureAwait(false));
}
