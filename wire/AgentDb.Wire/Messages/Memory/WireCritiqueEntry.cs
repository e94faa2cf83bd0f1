using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>One episode's critique: <c>[episodeId: str, reward: float64, success: bool, timestampUnixMs: int, critique:
/// str|nil]</c>.</summary>
public sealed class WireCritiqueEntry
{
    /// <summary>Creates an entry.</summary>
    public WireCritiqueEntry(string episodeId, double reward, bool success, long timestampUnixMs, string? critique)
    {
        EpisodeId = episodeId;
        Reward = reward;
        Success = success;
        TimestampUnixMs = timestampUnixMs;
        Critique = critique;
    }

    /// <summary>The episode.</summary>
    public string EpisodeId { get; }

    /// <summary>Its reward.</summary>
    public double Reward { get; }

    /// <summary>Whether it succeeded.</summary>
    public bool Success { get; }

    /// <summary>When it happened.</summary>
    public long TimestampUnixMs { get; }

    /// <summary>Its critique, or null.</summary>
    public string? Critique { get; }

    internal void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(5);
        writer.Write(EpisodeId);
        writer.Write(Reward);
        writer.Write(Success);
        writer.Write(TimestampUnixMs);
        Fields.WriteNullableString(ref writer, Critique);
    }

    internal static WireCritiqueEntry Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 5, "critique entry");
        var id = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "entry.episodeId");
        var reward = MemoryFields.ReadDouble(ref reader, "entry.reward");
        var success = Fields.ReadBoolean(ref reader, "entry.success");
        var timestamp = Fields.ReadInt64(ref reader, "entry.timestampUnixMs");
        var critique = Fields.ReadNullableString(ref reader, MemoryWireLimits.MaxContentBytes, "entry.critique");
        Fields.SkipExtraFields(ref reader, count, 5);
        return new WireCritiqueEntry(id, reward, success, timestamp, critique);
    }
}
