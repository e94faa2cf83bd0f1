using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>CAUSAL_REMOVE_EDGE and CAUSAL_GET_EDGE request: <c>[from: str, to: str, mechanism: str|nil]</c>, the key of
/// an edge. CAUSAL_REMOVE_EDGE answers <c>[removed: bool]</c>; CAUSAL_GET_EDGE the edge, or NOT_FOUND.</summary>
public sealed class CausalEdgeKeyRequest : IWireMessage<CausalEdgeKeyRequest>
{
    /// <summary>Creates the request.</summary>
    public CausalEdgeKeyRequest(string from, string to, string? mechanism)
    {
        From = from;
        To = to;
        Mechanism = mechanism;
    }

    /// <summary>The cause memory id.</summary>
    public string From { get; }

    /// <summary>The effect memory id.</summary>
    public string To { get; }

    /// <summary>The mechanism, or null (the same as empty).</summary>
    public string? Mechanism { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(3);
        writer.Write(From);
        writer.Write(To);
        Fields.WriteNullableString(ref writer, Mechanism);
    }

    /// <inheritdoc/>
    public static CausalEdgeKeyRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 3, "causal edge key");
        var from = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "from");
        var to = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "to");
        var mechanism = Fields.ReadNullableString(ref reader, WireLimits.MaxTextBytes, "mechanism");
        Fields.SkipExtraFields(ref reader, count, 3);
        return new CausalEdgeKeyRequest(from, to, mechanism);
    }
}
