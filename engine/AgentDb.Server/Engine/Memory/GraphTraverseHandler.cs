using AgentDb.Memory;
using AgentDb.Memory.Graph;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Engine.Memory;

/// <summary>GRAPH_TRAVERSE: a bounded breadth-first walk; NOT_FOUND for an unknown start node.</summary>
internal sealed class GraphTraverseHandler(AgentMemory memory) : MemoryOperation<GraphTraverseRequest, GraphTraverseResponse>(memory)
{
    protected override ValueTask<GraphTraverseResponse> ExecuteAsync(GraphTraverseRequest message, CancellationToken cancellationToken)
    {
        var result = Memory.Graph.Traverse(message.StartId, new TraversalOptions
        {
            MaxDepth = message.MaxDepth,
            Direction = MemoryConversions.ToDirection(message.Direction),
            EdgeTypes = MemoryConversions.ToEdgeTypes(message.EdgeTypes),
            NodeFilter = MemoryConversions.ToFilter(message.NodeFilter),
            ExpandOnlyMatching = message.ExpandOnlyMatching,
            Limit = message.Limit,
            MaxVisited = message.MaxVisited,
            MaxEdgesScanned = message.MaxEdgesScanned,
            IncludePaths = message.IncludePaths,
            WithCertificate = message.WithCertificate,
        });
        var nodes = new WireTraversedNode[result.Nodes.Count];
        for (var i = 0; i < nodes.Length; i++)
        {
            var node = result.Nodes[i];
            nodes[i] = new WireTraversedNode(MemoryConversions.ToWire(node.Node), node.Depth, MemoryConversions.ToWire(node.Path));
        }
        return ValueTask.FromResult(new GraphTraverseResponse(nodes, result.Truncated, result.Visited, MemoryConversions.ToWire(result.Certificate)));
    }
}
