using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>SKILL_CONSOLIDATE request: <c>[minAttempts: uint, minReward: float64, fromUnixMs: int|nil, toUnixMs:
/// int|nil]</c>: turn tasks with at least <c>minAttempts</c> successful episodes of mean reward at least
/// <c>minReward</c> (episodes in [from, to)) into skills. Idempotent.</summary>
public sealed class SkillConsolidateRequest : IWireMessage<SkillConsolidateRequest>
{
    /// <summary>The largest minAttempts.</summary>
    public const int MaxMinAttempts = 1_000_000;

    /// <summary>Creates the request.</summary>
    public SkillConsolidateRequest(int minAttempts = 3, double minReward = 0.7, long? fromUnixMs = null, long? toUnixMs = null)
    {
        MinAttempts = minAttempts;
        MinReward = minReward;
        FromUnixMs = fromUnixMs;
        ToUnixMs = toUnixMs;
    }

    /// <summary>Successful episodes a task needs, at least 1.</summary>
    public int MinAttempts { get; }

    /// <summary>Mean reward of those episodes needed.</summary>
    public double MinReward { get; }

    /// <summary>Read episodes at or after this time; null for no bound.</summary>
    public long? FromUnixMs { get; }

    /// <summary>Read episodes before this time; null for no bound.</summary>
    public long? ToUnixMs { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(4);
        writer.Write(MinAttempts);
        writer.Write(MinReward);
        MemoryFields.WriteNullableInt64(ref writer, FromUnixMs);
        MemoryFields.WriteNullableInt64(ref writer, ToUnixMs);
    }

    /// <inheritdoc/>
    public static SkillConsolidateRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 4, "SKILL_CONSOLIDATE");
        var minAttempts = MemoryFields.ReadInt32(ref reader, "minAttempts", 1, MaxMinAttempts);
        var minReward = MemoryFields.ReadFiniteDouble(ref reader, "minReward");
        var from = MemoryFields.ReadNullableInt64(ref reader, "fromUnixMs");
        var to = MemoryFields.ReadNullableInt64(ref reader, "toUnixMs");
        Fields.SkipExtraFields(ref reader, count, 4);
        return new SkillConsolidateRequest(minAttempts, minReward, from, to);
    }
}
