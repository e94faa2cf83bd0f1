using AgentDb.Memory;
using AgentDb.Memory.Graph;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Engine.Memory;

/// <summary>GRAPH_MATCH: the matches of a one-edge pattern.</summary>
internal sealed class GraphMatchHandler(AgentMemory memory) : MemoryOperation<GraphMatchRequest, GraphMatchResponse>(memory)
{
    protected override ValueTask<GraphMatchResponse> ExecuteAsync(GraphMatchRequest message, CancellationToken cancellationToken)
    {
        var pattern = new GraphPattern
        {
            From = MemoryConversions.ToFilter(message.From),
            EdgeType = message.EdgeType,
            Direction = MemoryConversions.ToDirection(message.Direction),
            EdgeProperties = MemoryConversions.ToGraph(message.EdgeProperties),
            To = MemoryConversions.ToFilter(message.To),
        };
        var result = Memory.Graph.Match(pattern, new MatchOptions
        {
            Limit = message.Limit,
            MaxVisited = message.MaxVisited,
            MaxEdgesScanned = message.MaxEdgesScanned,
            WithCertificate = message.WithCertificate,
        });
        var matches = new WirePatternMatch[result.Matches.Count];
        for (var i = 0; i < matches.Length; i++)
        {
            var match = result.Matches[i];
            matches[i] = new WirePatternMatch(MemoryConversions.ToWire(match.A), MemoryConversions.ToWire(match.Edge), MemoryConversions.ToWire(match.B));
        }
        return ValueTask.FromResult(new GraphMatchResponse(matches, result.Truncated, result.Visited, MemoryConversions.ToWire(result.Certificate)));
    }
}
