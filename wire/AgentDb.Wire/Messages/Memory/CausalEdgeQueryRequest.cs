using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>CAUSAL_EFFECTS and CAUSAL_CAUSES request: <c>[memoryId: str, minConfidence: float64, minUplift: float64,
/// limit: uint, withCertificate: bool]</c>. EFFECTS: the edges leaving the memory (it is the intervention); CAUSES:
/// the edges arriving at it (it is the outcome). <c>minUplift</c> may be −∞ (all).</summary>
public sealed class CausalEdgeQueryRequest : IWireMessage<CausalEdgeQueryRequest>
{
    /// <summary>Creates the request.</summary>
    public CausalEdgeQueryRequest(
        string memoryId, double minConfidence = 0, double minUplift = double.NegativeInfinity, int limit = 1_000, bool withCertificate = false)
    {
        MemoryId = memoryId;
        MinConfidence = minConfidence;
        MinUplift = minUplift;
        Limit = limit;
        WithCertificate = withCertificate;
    }

    /// <summary>The memory whose effects or causes are asked for.</summary>
    public string MemoryId { get; }

    /// <summary>Keep edges with confidence at least this, in [0, 1].</summary>
    public double MinConfidence { get; }

    /// <summary>Keep edges with uplift at least this (−∞: all).</summary>
    public double MinUplift { get; }

    /// <summary>Return at most this many edges, 1–100,000.</summary>
    public int Limit { get; }

    /// <summary>Return a certificate over the returned edge records.</summary>
    public bool WithCertificate { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(5);
        writer.Write(MemoryId);
        writer.Write(MinConfidence);
        writer.Write(MinUplift);
        writer.Write(Limit);
        writer.Write(WithCertificate);
    }

    /// <inheritdoc/>
    public static CausalEdgeQueryRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 5, "causal edge query");
        var id = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "memoryId");
        var minConfidence = MemoryFields.ReadFiniteDouble(ref reader, "minConfidence");
        var minUplift = MemoryFields.ReadBound(ref reader, "minUplift");
        var limit = MemoryFields.ReadInt32(ref reader, "limit", 1, MemoryWireLimits.MaxResults);
        var withCertificate = Fields.ReadBoolean(ref reader, "withCertificate");
        Fields.SkipExtraFields(ref reader, count, 5);
        return new CausalEdgeQueryRequest(id, minConfidence, minUplift, limit, withCertificate);
    }
}
