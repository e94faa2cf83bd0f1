using AgentDb.Memory;
using AgentDb.Memory.Graph;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Engine.Memory;

/// <summary>GRAPH_NODE_SEARCH: the nodes whose embeddings are nearest a text (embedded here) or vector.</summary>
internal sealed class GraphNodeSearchHandler(AgentMemory memory) : MemoryOperation<GraphNodeSearchRequest, GraphNodeSearchResponse>(memory)
{
    protected override ValueTask<GraphNodeSearchResponse> ExecuteAsync(GraphNodeSearchRequest message, CancellationToken cancellationToken)
    {
        var options = new NodeSearchOptions { K = message.K, Filter = MemoryConversions.ToFilter(message.Filter), WithCertificate = message.WithCertificate };
        var result = message.Text is { } text ? Memory.Graph.SearchNodes(text, options) : Memory.Graph.SearchNodes(message.Vector, options);
        var hits = new WireNodeSearchHit[result.Hits.Count];
        for (var i = 0; i < hits.Length; i++)
        {
            hits[i] = new WireNodeSearchHit(MemoryConversions.ToWire(result.Hits[i].Node), result.Hits[i].Distance);
        }
        return ValueTask.FromResult(new GraphNodeSearchResponse(hits, MemoryConversions.ToWire(result.Certificate)));
    }
}
