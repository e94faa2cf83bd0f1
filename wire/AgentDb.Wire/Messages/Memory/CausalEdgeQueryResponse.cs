using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>CAUSAL_EFFECTS and CAUSAL_CAUSES response: <c>[edges: [WireCausalEdge...], certificate: Certificate|nil]</c>,
/// strongest (uplift × confidence) first.</summary>
public sealed class CausalEdgeQueryResponse : IWireMessage<CausalEdgeQueryResponse>
{
    /// <summary>Creates the response.</summary>
    public CausalEdgeQueryResponse(IReadOnlyList<WireCausalEdge> edges, Certificate? certificate)
    {
        Edges = edges;
        Certificate = certificate;
    }

    /// <summary>The edges, strongest first.</summary>
    public IReadOnlyList<WireCausalEdge> Edges { get; }

    /// <summary>The certificate, when asked for.</summary>
    public Certificate? Certificate { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(2);
        WireCausalEdge.WriteList(ref writer, Edges);
        Certificate.WriteNullable(ref writer, Certificate);
    }

    /// <inheritdoc/>
    public static CausalEdgeQueryResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 2, "causal edge query response");
        var edges = WireCausalEdge.ReadList(ref reader, "edges");
        var certificate = Certificate.ReadNullable(ref reader);
        Fields.SkipExtraFields(ref reader, count, 2);
        return new CausalEdgeQueryResponse(edges, certificate);
    }
}
