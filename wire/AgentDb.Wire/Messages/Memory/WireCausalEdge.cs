using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>
/// A causal edge: <c>[id: str, from: str, to: str, mechanism: str, uplift: float64, confidence: float64, sampleSize:
/// int, evidenceIds: [str], createdUnixMs: int, updatedUnixMs: int]</c>. <c>mechanism</c> is empty when unspecified.
/// </summary>
public sealed class WireCausalEdge
{
    private const int FieldCount = 10;

    /// <summary>Creates an edge.</summary>
    public WireCausalEdge(
        string id, string from, string to, string mechanism, double uplift, double confidence, long sampleSize,
        IReadOnlyList<string> evidenceIds, long createdUnixMs, long updatedUnixMs)
    {
        Id = id;
        From = from;
        To = to;
        Mechanism = mechanism;
        Uplift = uplift;
        Confidence = confidence;
        SampleSize = sampleSize;
        EvidenceIds = evidenceIds;
        CreatedUnixMs = createdUnixMs;
        UpdatedUnixMs = updatedUnixMs;
    }

    /// <summary>The edge id, derived from (from, to, mechanism).</summary>
    public string Id { get; }

    /// <summary>The cause memory id.</summary>
    public string From { get; }

    /// <summary>The effect memory id.</summary>
    public string To { get; }

    /// <summary>How the cause acts; empty when unspecified.</summary>
    public string Mechanism { get; }

    /// <summary>The estimated change in the outcome.</summary>
    public double Uplift { get; }

    /// <summary>Belief that the effect is real, in [0, 1].</summary>
    public double Confidence { get; }

    /// <summary>Observations behind the estimate.</summary>
    public long SampleSize { get; }

    /// <summary>Ids of the memories that support the edge.</summary>
    public IReadOnlyList<string> EvidenceIds { get; }

    /// <summary>When first added, Unix ms.</summary>
    public long CreatedUnixMs { get; }

    /// <summary>When last written, Unix ms.</summary>
    public long UpdatedUnixMs { get; }

    internal void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(FieldCount);
        writer.Write(Id);
        writer.Write(From);
        writer.Write(To);
        writer.Write(Mechanism);
        writer.Write(Uplift);
        writer.Write(Confidence);
        writer.Write(SampleSize);
        MemoryFields.WriteStringList(ref writer, EvidenceIds);
        writer.Write(CreatedUnixMs);
        writer.Write(UpdatedUnixMs);
    }

    internal static WireCausalEdge Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, FieldCount, "causal edge");
        var id = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "edge.id");
        var from = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "edge.from");
        var to = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "edge.to");
        var mechanism = Fields.ReadString(ref reader, WireLimits.MaxTextBytes, "edge.mechanism", allowEmpty: true);
        var uplift = MemoryFields.ReadDouble(ref reader, "edge.uplift");
        var confidence = MemoryFields.ReadDouble(ref reader, "edge.confidence");
        var sampleSize = Fields.ReadInt64(ref reader, "edge.sampleSize");
        var evidence = MemoryFields.ReadStringList(ref reader, "edge.evidenceIds", MemoryWireLimits.MaxListEntries, WireLimits.MaxIdBytes);
        var created = Fields.ReadInt64(ref reader, "edge.createdUnixMs");
        var updated = Fields.ReadInt64(ref reader, "edge.updatedUnixMs");
        Fields.SkipExtraFields(ref reader, count, FieldCount);
        return new WireCausalEdge(id, from, to, mechanism, uplift, confidence, sampleSize, evidence, created, updated);
    }

    /// <summary>Writes a list of edges.</summary>
    internal static void WriteList(ref MessagePackWriter writer, IReadOnlyList<WireCausalEdge> edges)
    {
        writer.WriteArrayHeader(edges.Count);
        for (var i = 0; i < edges.Count; i++)
        {
            edges[i].Write(ref writer);
        }
    }

    /// <summary>Reads a list of edges.</summary>
    internal static WireCausalEdge[] ReadList(ref MessagePackReader reader, string field)
    {
        var entries = Fields.ReadListCount(ref reader, field, MemoryWireLimits.MaxResults);
        var edges = new WireCausalEdge[entries];
        for (var i = 0; i < entries; i++)
        {
            edges[i] = Read(ref reader);
        }
        return edges;
    }
}
