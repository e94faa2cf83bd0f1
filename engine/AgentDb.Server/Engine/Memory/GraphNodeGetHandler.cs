using AgentDb.Memory;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Engine.Memory;

/// <summary>GRAPH_NODE_GET: one node; NOT_FOUND when there is none.</summary>
internal sealed class GraphNodeGetHandler(AgentMemory memory) : MemoryOperation<MemoryIdRequest, GraphNodeResponse>(memory)
{
    protected override ValueTask<GraphNodeResponse> ExecuteAsync(MemoryIdRequest message, CancellationToken cancellationToken)
    {
        var node = Memory.Graph.GetNode(message.Id) ?? throw new KeyNotFoundException($"graph node '{message.Id}' does not exist");
        return ValueTask.FromResult(new GraphNodeResponse(MemoryConversions.ToWire(node)));
    }
}
