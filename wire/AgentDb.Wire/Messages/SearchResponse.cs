using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>SEARCH response: <c>[hits: [SearchHit...]]</c>, closest first.</summary>
public sealed class SearchResponse : IWireMessage<SearchResponse>
{
    /// <summary>Creates the response.</summary>
    public SearchResponse(IReadOnlyList<SearchHit> hits) => Hits = hits;

    /// <summary>At most k hits, closest first.</summary>
    public IReadOnlyList<SearchHit> Hits { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(1);
        writer.WriteArrayHeader(Hits.Count);
        for (var i = 0; i < Hits.Count; i++)
        {
            Hits[i].Write(ref writer);
        }
    }

    /// <inheritdoc/>
    public static SearchResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 1, "SEARCH response");
        var entries = Fields.ReadListCount(ref reader, "hits");
        var hits = new SearchHit[entries];
        for (var i = 0; i < entries; i++)
        {
            hits[i] = SearchHit.Read(ref reader);
        }
        Fields.SkipExtraFields(ref reader, count, 1);
        return new SearchResponse(hits);
    }
}
