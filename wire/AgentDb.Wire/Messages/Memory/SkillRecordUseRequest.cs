using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>SKILL_RECORD_USE request: <c>[name: str, success: bool, reward: float64, latencyMs: int]</c>; the response
/// is the updated skill (<see cref="SkillResponse"/>). NOT_FOUND when no skill has the name.</summary>
public sealed class SkillRecordUseRequest : IWireMessage<SkillRecordUseRequest>
{
    /// <summary>Creates the request.</summary>
    public SkillRecordUseRequest(string name, bool success, double reward, long latencyMs)
    {
        Name = name;
        Success = success;
        Reward = reward;
        LatencyMs = latencyMs;
    }

    /// <summary>The skill's name.</summary>
    public string Name { get; }

    /// <summary>Whether the use succeeded.</summary>
    public bool Success { get; }

    /// <summary>The use's reward (finite).</summary>
    public double Reward { get; }

    /// <summary>The use's latency, ms (not negative).</summary>
    public long LatencyMs { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(4);
        writer.Write(Name);
        writer.Write(Success);
        writer.Write(Reward);
        writer.Write(LatencyMs);
    }

    /// <inheritdoc/>
    public static SkillRecordUseRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 4, "SKILL_RECORD_USE");
        var name = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "name");
        var success = Fields.ReadBoolean(ref reader, "success");
        var reward = MemoryFields.ReadFiniteDouble(ref reader, "reward");
        var latency = MemoryFields.ReadNonNegativeInt64(ref reader, "latencyMs");
        Fields.SkipExtraFields(ref reader, count, 4);
        return new SkillRecordUseRequest(name, success, reward, latency);
    }
}
