using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>CAUSAL_ADD_EDGE request: <c>[from: str, to: str, mechanism: str|nil, uplift: float64, confidence: float64,
/// sampleSize: int, evidenceIds: [str]]</c>; the response is the edge id (<see cref="MemoryIdResponse"/>). Adding the
/// same (from, to, mechanism) again updates the edge.</summary>
public sealed class CausalAddEdgeRequest : IWireMessage<CausalAddEdgeRequest>
{
    private const int FieldCount = 7;

    /// <summary>Creates the request.</summary>
    public CausalAddEdgeRequest(
        string from, string to, string? mechanism, double uplift, double confidence, long sampleSize = 0, IReadOnlyList<string>? evidenceIds = null)
    {
        From = from;
        To = to;
        Mechanism = mechanism;
        Uplift = uplift;
        Confidence = confidence;
        SampleSize = sampleSize;
        EvidenceIds = evidenceIds ?? [];
    }

    /// <summary>The cause memory id.</summary>
    public string From { get; }

    /// <summary>The effect memory id.</summary>
    public string To { get; }

    /// <summary>How the cause acts, or null.</summary>
    public string? Mechanism { get; }

    /// <summary>The estimated change in the outcome (finite).</summary>
    public double Uplift { get; }

    /// <summary>Belief that the effect is real, in [0, 1].</summary>
    public double Confidence { get; }

    /// <summary>Observations behind the estimate (not negative).</summary>
    public long SampleSize { get; }

    /// <summary>Ids of supporting memories.</summary>
    public IReadOnlyList<string> EvidenceIds { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(FieldCount);
        writer.Write(From);
        writer.Write(To);
        Fields.WriteNullableString(ref writer, Mechanism);
        writer.Write(Uplift);
        writer.Write(Confidence);
        writer.Write(SampleSize);
        MemoryFields.WriteStringList(ref writer, EvidenceIds);
    }

    /// <inheritdoc/>
    public static CausalAddEdgeRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, FieldCount, "CAUSAL_ADD_EDGE");
        var from = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "from");
        var to = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "to");
        var mechanism = Fields.ReadNullableString(ref reader, WireLimits.MaxTextBytes, "mechanism");
        var uplift = MemoryFields.ReadFiniteDouble(ref reader, "uplift");
        var confidence = MemoryFields.ReadFiniteDouble(ref reader, "confidence");
        var sampleSize = MemoryFields.ReadNonNegativeInt64(ref reader, "sampleSize");
        var evidence = MemoryFields.ReadStringList(ref reader, "evidenceIds", MemoryWireLimits.MaxListEntries, WireLimits.MaxIdBytes);
        Fields.SkipExtraFields(ref reader, count, FieldCount);
        return new CausalAddEdgeRequest(from, to, mechanism, uplift, confidence, sampleSize, evidence);
    }
}
