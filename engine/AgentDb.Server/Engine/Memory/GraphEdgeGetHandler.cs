using AgentDb.Memory;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Engine.Memory;

/// <summary>GRAPH_EDGE_GET: one edge; NOT_FOUND when there is none.</summary>
internal sealed class GraphEdgeGetHandler(AgentMemory memory) : MemoryOperation<MemoryIdRequest, GraphEdgeResponse>(memory)
{
    protected override ValueTask<GraphEdgeResponse> ExecuteAsync(MemoryIdRequest message, CancellationToken cancellationToken)
    {
        var edge = Memory.Graph.GetEdge(message.Id) ?? throw new KeyNotFoundException($"graph edge '{message.Id}' does not exist");
        return ValueTask.FromResult(new GraphEdgeResponse(MemoryConversions.ToWire(edge)));
    }
}
