using AgentDb.Memory;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Engine.Memory;

/// <summary>GRAPH_EDGE_ADD: adds an edge between existing nodes (NOT_FOUND otherwise); answers its id.</summary>
internal sealed class GraphEdgeAddHandler(AgentMemory memory) : MemoryOperation<GraphEdgeAddRequest, MemoryIdResponse>(memory)
{
    protected override async ValueTask<MemoryIdResponse> ExecuteAsync(GraphEdgeAddRequest message, CancellationToken cancellationToken) =>
        new(await Memory.Graph.AddEdgeAsync(MemoryConversions.ToEdgeInput(message.Edge), cancellationToken).ConfigureAwait(false));
}
