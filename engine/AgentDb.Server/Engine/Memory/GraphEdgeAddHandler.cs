using AgentDb.Memory;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Engine.Memory;

/// <summary>GRAPH_EDGE_ADD: adds an edge between existing nodes (NOT_FOUND otherwise); answers its id.</summary>
internal sealed class GraphEdgeAddHandler(AgentMemory memory) : MemoryOperation<GraphEdgeAddRequest, MemoryIdResponse>(memory)
{
    protected override ValueTask<MemoryIdResponse> ExecuteAsync(GraphEdgeAddRequest message, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new MemoryIdResponse(Memory.Graph.AddEdge(MemoryConversions.ToEdgeInput(message.Edge))));
}
