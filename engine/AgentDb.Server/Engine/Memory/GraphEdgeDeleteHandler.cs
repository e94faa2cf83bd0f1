using AgentDb.Memory;
using AgentDb.Wire.Messages;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Engine.Memory;

/// <summary>GRAPH_EDGE_DELETE: <c>[deleted]</c>, false when there was no such edge.</summary>
internal sealed class GraphEdgeDeleteHandler(AgentMemory memory) : MemoryOperation<MemoryIdRequest, DeleteResponse>(memory)
{
    protected override ValueTask<DeleteResponse> ExecuteAsync(MemoryIdRequest message, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new DeleteResponse(Memory.Graph.DeleteEdge(message.Id)));
}
