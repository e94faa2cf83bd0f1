using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>
/// A skill on the wire: <c>[name: str, description: str|nil, signature: str|nil, code: str|nil, successRate: float64,
/// uses: int, averageReward: float64, averageLatencyMs: float64, sourceTask: str|nil, createdUnixMs: int, updatedUnixMs:
/// int, vector: bin|nil]</c>. <c>sourceTask</c>, <c>createdUnixMs</c> and <c>updatedUnixMs</c> are set by the server
/// in responses and ignored in requests (send nil, 0, 0). A nil vector in a request embeds <c>name + " " +
/// description</c>.
/// </summary>
public sealed class WireSkill
{
    private const int FieldCount = 12;

    /// <summary>Creates a skill.</summary>
    public WireSkill(
        string name, string? description, string? signature, string? code, double successRate, long uses,
        double averageReward, double averageLatencyMs, ReadOnlyMemory<float> vector,
        string? sourceTask = null, long createdUnixMs = 0, long updatedUnixMs = 0)
    {
        Name = name;
        Description = description;
        Signature = signature;
        Code = code;
        SuccessRate = successRate;
        Uses = uses;
        AverageReward = averageReward;
        AverageLatencyMs = averageLatencyMs;
        Vector = vector;
        SourceTask = sourceTask;
        CreatedUnixMs = createdUnixMs;
        UpdatedUnixMs = updatedUnixMs;
    }

    /// <summary>The unique name.</summary>
    public string Name { get; }

    /// <summary>What the skill does.</summary>
    public string? Description { get; }

    /// <summary>How it is called.</summary>
    public string? Signature { get; }

    /// <summary>The code.</summary>
    public string? Code { get; }

    /// <summary>Fraction of uses that succeeded, in [0, 1].</summary>
    public double SuccessRate { get; }

    /// <summary>Times used.</summary>
    public long Uses { get; }

    /// <summary>Mean reward of its uses.</summary>
    public double AverageReward { get; }

    /// <summary>Mean latency of its uses, ms.</summary>
    public double AverageLatencyMs { get; }

    /// <summary>The embedding; empty to have the server embed name and description.</summary>
    public ReadOnlyMemory<float> Vector { get; }

    /// <summary>For a consolidated skill, the task it came from (responses only).</summary>
    public string? SourceTask { get; }

    /// <summary>When first stored, Unix ms (responses only).</summary>
    public long CreatedUnixMs { get; }

    /// <summary>When last written, Unix ms (responses only).</summary>
    public long UpdatedUnixMs { get; }

    internal void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(FieldCount);
        writer.Write(Name);
        Fields.WriteNullableString(ref writer, Description);
        Fields.WriteNullableString(ref writer, Signature);
        Fields.WriteNullableString(ref writer, Code);
        writer.Write(SuccessRate);
        writer.Write(Uses);
        writer.Write(AverageReward);
        writer.Write(AverageLatencyMs);
        Fields.WriteNullableString(ref writer, SourceTask);
        writer.Write(CreatedUnixMs);
        writer.Write(UpdatedUnixMs);
        Fields.WriteVector(ref writer, Vector);
    }

    internal static WireSkill Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, FieldCount, "skill");
        var name = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "skill.name");
        var description = Fields.ReadNullableString(ref reader, MemoryWireLimits.MaxContentBytes, "skill.description");
        var signature = Fields.ReadNullableString(ref reader, MemoryWireLimits.MaxContentBytes, "skill.signature");
        var code = Fields.ReadNullableString(ref reader, MemoryWireLimits.MaxContentBytes, "skill.code");
        var successRate = MemoryFields.ReadFiniteDouble(ref reader, "skill.successRate");
        var uses = MemoryFields.ReadNonNegativeInt64(ref reader, "skill.uses");
        var reward = MemoryFields.ReadFiniteDouble(ref reader, "skill.averageReward");
        var latency = MemoryFields.ReadFiniteDouble(ref reader, "skill.averageLatencyMs");
        var sourceTask = Fields.ReadNullableString(ref reader, MemoryWireLimits.MaxContentBytes, "skill.sourceTask");
        var created = Fields.ReadInt64(ref reader, "skill.createdUnixMs");
        var updated = Fields.ReadInt64(ref reader, "skill.updatedUnixMs");
        var vector = Fields.ReadVector(ref reader, "skill.vector", allowNil: true);
        Fields.SkipExtraFields(ref reader, count, FieldCount);
        return new WireSkill(name, description, signature, code, successRate, uses, reward, latency, vector, sourceTask, created, updated);
    }
}
