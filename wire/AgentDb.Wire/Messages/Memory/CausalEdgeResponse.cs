using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>CAUSAL_GET_EDGE response: <c>[edge: WireCausalEdge]</c>.</summary>
public sealed class CausalEdgeResponse : IWireMessage<CausalEdgeResponse>
{
    /// <summary>Creates the response.</summary>
    public CausalEdgeResponse(WireCausalEdge edge) => Edge = edge;

    /// <summary>The edge.</summary>
    public WireCausalEdge Edge { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(1);
        Edge.Write(ref writer);
    }

    /// <inheritdoc/>
    public static CausalEdgeResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 1, "CAUSAL_GET_EDGE response");
        var edge = WireCausalEdge.Read(ref reader);
        Fields.SkipExtraFields(ref reader, count, 1);
        return new CausalEdgeResponse(edge);
    }
}
