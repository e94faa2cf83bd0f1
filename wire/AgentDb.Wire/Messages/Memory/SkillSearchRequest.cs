using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>SKILL_SEARCH request: <c>[task: str|nil, vector: bin|nil, k: uint, minSuccessRate: float64,
/// withCertificate: bool]</c>; exactly one of task and vector.</summary>
public sealed class SkillSearchRequest : IWireMessage<SkillSearchRequest>
{
    /// <summary>Creates the request.</summary>
    public SkillSearchRequest(string? task, ReadOnlyMemory<float> vector, int k, double minSuccessRate = 0, bool withCertificate = false)
    {
        Task = task;
        Vector = vector;
        K = k;
        MinSuccessRate = minSuccessRate;
        WithCertificate = withCertificate;
    }

    /// <summary>The query text, or null.</summary>
    public string? Task { get; }

    /// <summary>The query vector, or empty.</summary>
    public ReadOnlyMemory<float> Vector { get; }

    /// <summary>How many skills at most, 1–10,000.</summary>
    public int K { get; }

    /// <summary>Keep skills with at least this success rate, in [0, 1].</summary>
    public double MinSuccessRate { get; }

    /// <summary>Return a certificate over the returned records.</summary>
    public bool WithCertificate { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(5);
        Fields.WriteNullableString(ref writer, Task);
        Fields.WriteVector(ref writer, Vector);
        writer.Write(K);
        writer.Write(MinSuccessRate);
        writer.Write(WithCertificate);
    }

    /// <inheritdoc/>
    public static SkillSearchRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 5, "SKILL_SEARCH");
        var (task, vector) = MemoryFields.ReadTextOrVector(ref reader, "task", "vector");
        var k = MemoryFields.ReadInt32(ref reader, "k", 1, MemoryWireLimits.MaxK);
        var minSuccessRate = MemoryFields.ReadFiniteDouble(ref reader, "minSuccessRate");
        var withCertificate = Fields.ReadBoolean(ref reader, "withCertificate");
        Fields.SkipExtraFields(ref reader, count, 5);
        return new SkillSearchRequest(task, vector, k, minSuccessRate, withCertificate);
    }
}
