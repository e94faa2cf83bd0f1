using AgentDb.Wire.Messages;

namespace AgentDb.Server.Engine;

/// <summary>SEARCH: the k nearest records, closest first, filtered by <see cref="WireFilter"/>, with the HNSW beam width
/// <c>ef</c> (0 = the engine's default; raised to k; beyond the engine's maximum is BAD_REQUEST).</summary>
internal sealed class SearchHandler(AgentDatabase database)
    : EngineOperation<SearchRequest, SearchResponse>(database)
{
    protected override ValueTask<SearchResponse> ExecuteAsync(SearchRequest message, CancellationToken cancellationToken)
    {
        var filter = WireFilter.ToPayloadFilter(message.Filter);
        var ef = message.Ef == 0 ? AgentDatabase.DefaultSearchEf : message.Ef;
        var results = Database.Search(message.Collection, message.Vector.Span, message.K, filter, ef);
        var hits = new SearchHit[results.Count];
        for (var i = 0; i < hits.Length; i++)
        {
            var record = results[i].Record;
            hits[i] = new SearchHit(
                record.Id,
                results[i].Distance,
                message.IncludePayload ? record.Payload : default(ReadOnlyMemory<byte>),
                message.IncludeVector && record.Vector is { } vector ? vector : default(ReadOnlyMemory<float>));
        }
        return ValueTask.FromResult(new SearchResponse(hits));
    }
}
