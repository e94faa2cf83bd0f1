using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>GRAPH_NODE_SEARCH response: <c>[hits: [WireNodeSearchHit...], certificate: Certificate|nil]</c>, nearest
/// first.</summary>
public sealed class GraphNodeSearchResponse : IWireMessage<GraphNodeSearchResponse>
{
    /// <summary>Creates the response.</summary>
    public GraphNodeSearchResponse(IReadOnlyList<WireNodeSearchHit> hits, Certificate? certificate)
    {
        Hits = hits;
        Certificate = certificate;
    }

    /// <summary>The nodes, nearest first.</summary>
    public IReadOnlyList<WireNodeSearchHit> Hits { get; }

    /// <summary>The certificate, when asked for.</summary>
    public Certificate? Certificate { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(2);
        writer.WriteArrayHeader(Hits.Count);
        for (var i = 0; i < Hits.Count; i++)
        {
            Hits[i].Write(ref writer);
        }
        Certificate.WriteNullable(ref writer, Certificate);
    }

    /// <inheritdoc/>
    public static GraphNodeSearchResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 2, "GRAPH_NODE_SEARCH response");
        var entries = Fields.ReadListCount(ref reader, "hits", MemoryWireLimits.MaxK);
        var hits = new WireNodeSearchHit[entries];
        for (var i = 0; i < entries; i++)
        {
            hits[i] = WireNodeSearchHit.Read(ref reader);
        }
        var certificate = Certificate.ReadNullable(ref reader);
        Fields.SkipExtraFields(ref reader, count, 2);
        return new GraphNodeSearchResponse(hits, certificate);
    }
}
