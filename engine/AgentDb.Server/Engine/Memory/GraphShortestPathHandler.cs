using AgentDb.Memory;
using AgentDb.Memory.Graph;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Engine.Memory;

/// <summary>GRAPH_SHORTEST_PATH: a path with the fewest edges; NOT_FOUND for an unknown end node.</summary>
internal sealed class GraphShortestPathHandler(AgentMemory memory) : MemoryOperation<GraphShortestPathRequest, GraphShortestPathResponse>(memory)
{
    protected override ValueTask<GraphShortestPathResponse> ExecuteAsync(GraphShortestPathRequest message, CancellationToken cancellationToken)
    {
        var result = Memory.Graph.ShortestPath(message.FromId, message.ToId, new ShortestPathOptions
        {
            MaxDepth = message.MaxDepth,
            Direction = MemoryConversions.ToDirection(message.Direction),
            EdgeTypes = MemoryConversions.ToEdgeTypes(message.EdgeTypes),
            MaxVisited = message.MaxVisited,
            MaxEdgesScanned = message.MaxEdgesScanned,
        });
        return ValueTask.FromResult(new GraphShortestPathResponse(MemoryConversions.ToWire(result.Path), result.Truncated, result.Visited));
    }
}
