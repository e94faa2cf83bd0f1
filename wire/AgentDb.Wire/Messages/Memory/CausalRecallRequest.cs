using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>
/// CAUSAL_RECALL request: <c>[text: str|nil, vector: bin|nil, k: uint, similarityWeight: float64, upliftWeight:
/// float64, minConfidence: float64, target: str|nil, candidateFactor: uint, withCertificate: bool]</c>: the k
/// episodes among the <c>k × candidateFactor</c> nearest to the query with the best score = α · similarity + β ·
/// uplift (uplift from their outgoing causal edges, only edges into <c>target</c> when given). Exactly one of text and
/// vector.
/// </summary>
public sealed class CausalRecallRequest : IWireMessage<CausalRecallRequest>
{
    private const int FieldCount = 9;

    /// <summary>Creates the request.</summary>
    public CausalRecallRequest(
        string? text, ReadOnlyMemory<float> vector, int k = 10, double similarityWeight = 1.0, double upliftWeight = 0.5,
        double minConfidence = 0, string? target = null, int candidateFactor = 4, bool withCertificate = false)
    {
        Text = text;
        Vector = vector;
        K = k;
        SimilarityWeight = similarityWeight;
        UpliftWeight = upliftWeight;
        MinConfidence = minConfidence;
        Target = target;
        CandidateFactor = candidateFactor;
        WithCertificate = withCertificate;
    }

    /// <summary>The query text, or null.</summary>
    public string? Text { get; }

    /// <summary>The query vector, or empty.</summary>
    public ReadOnlyMemory<float> Vector { get; }

    /// <summary>How many memories, 1–10,000.</summary>
    public int K { get; }

    /// <summary>α, the weight of similarity (finite, ≥ 0).</summary>
    public double SimilarityWeight { get; }

    /// <summary>β, the weight of uplift (finite, ≥ 0).</summary>
    public double UpliftWeight { get; }

    /// <summary>Only edges with at least this confidence count.</summary>
    public double MinConfidence { get; }

    /// <summary>Only edges into this outcome count; null for all.</summary>
    public string? Target { get; }

    /// <summary>Candidates per result, 1–100.</summary>
    public int CandidateFactor { get; }

    /// <summary>Return a certificate over the returned episodes and their supporting edges.</summary>
    public bool WithCertificate { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(FieldCount);
        Fields.WriteNullableString(ref writer, Text);
        Fields.WriteVector(ref writer, Vector);
        writer.Write(K);
        writer.Write(SimilarityWeight);
        writer.Write(UpliftWeight);
        writer.Write(MinConfidence);
        Fields.WriteNullableString(ref writer, Target);
        writer.Write(CandidateFactor);
        writer.Write(WithCertificate);
    }

    /// <inheritdoc/>
    public static CausalRecallRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, FieldCount, "CAUSAL_RECALL");
        var (text, vector) = MemoryFields.ReadTextOrVector(ref reader, "text", "vector");
        var k = MemoryFields.ReadInt32(ref reader, "k", 1, MemoryWireLimits.MaxK);
        var similarityWeight = MemoryFields.ReadFiniteDouble(ref reader, "similarityWeight");
        var upliftWeight = MemoryFields.ReadFiniteDouble(ref reader, "upliftWeight");
        var minConfidence = MemoryFields.ReadFiniteDouble(ref reader, "minConfidence");
        var target = Fields.ReadNullableString(ref reader, WireLimits.MaxIdBytes, "target");
        var factor = MemoryFields.ReadInt32(ref reader, "candidateFactor", 1, MemoryWireLimits.MaxCandidateFactor);
        var withCertificate = Fields.ReadBoolean(ref reader, "withCertificate");
        Fields.SkipExtraFields(ref reader, count, FieldCount);
        return new CausalRecallRequest(text, vector, k, similarityWeight, upliftWeight, minConfidence, target, factor, withCertificate);
    }
}
