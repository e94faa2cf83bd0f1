using AgentDb.Memory;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Engine.Memory;

/// <summary>GRAPH_NEIGHBORS: a node's neighbours with the edges that link them; NOT_FOUND for an unknown node.</summary>
internal sealed class GraphNeighborsHandler(AgentMemory memory) : MemoryOperation<GraphNeighborsRequest, GraphNeighborsResponse>(memory)
{
    protected override ValueTask<GraphNeighborsResponse> ExecuteAsync(GraphNeighborsRequest message, CancellationToken cancellationToken)
    {
        var neighbors = Memory.Graph.Neighbors(
            message.NodeId, MemoryConversions.ToDirection(message.Direction), MemoryConversions.ToEdgeTypes(message.EdgeTypes), message.Limit);
        var wire = new WireGraphNeighbor[neighbors.Count];
        for (var i = 0; i < wire.Length; i++)
        {
            var neighbor = neighbors[i];
            wire[i] = new WireGraphNeighbor(
                MemoryConversions.ToWire(neighbor.Edge), MemoryConversions.ToWire(neighbor.Node), MemoryConversions.ToWire(neighbor.Direction));
        }
        return ValueTask.FromResult(new GraphNeighborsResponse(wire));
    }
}
