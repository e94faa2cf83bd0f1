using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>EPISODE_TASK_STATS response: <c>[task: str, attempts: uint, successes: uint, successRate: float64,
/// averageReward: float64, averageLatencyMs: float64, rewardTrend: float64, firstUnixMs: int, lastUnixMs: int]</c>.
/// <c>rewardTrend</c> is the least-squares slope of reward per attempt in time order.</summary>
public sealed class EpisodeTaskStatsResponse : IWireMessage<EpisodeTaskStatsResponse>
{
    private const int FieldCount = 9;

    /// <summary>Creates the response.</summary>
    public EpisodeTaskStatsResponse(
        string task, int attempts, int successes, double successRate, double averageReward, double averageLatencyMs,
        double rewardTrend, long firstUnixMs, long lastUnixMs)
    {
        Task = task;
        Attempts = attempts;
        Successes = successes;
        SuccessRate = successRate;
        AverageReward = averageReward;
        AverageLatencyMs = averageLatencyMs;
        RewardTrend = rewardTrend;
        FirstUnixMs = firstUnixMs;
        LastUnixMs = lastUnixMs;
    }

    /// <summary>The task.</summary>
    public string Task { get; }

    /// <summary>Episodes of the task.</summary>
    public int Attempts { get; }

    /// <summary>Of those, successes.</summary>
    public int Successes { get; }

    /// <summary>Successes / attempts (0 with none).</summary>
    public double SuccessRate { get; }

    /// <summary>Mean reward.</summary>
    public double AverageReward { get; }

    /// <summary>Mean latency, ms.</summary>
    public double AverageLatencyMs { get; }

    /// <summary>Slope of reward per attempt; positive means improving.</summary>
    public double RewardTrend { get; }

    /// <summary>The earliest attempt's timestamp (0 with none).</summary>
    public long FirstUnixMs { get; }

    /// <summary>The latest attempt's timestamp (0 with none).</summary>
    public long LastUnixMs { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(FieldCount);
        writer.Write(Task);
        writer.Write(Attempts);
        writer.Write(Successes);
        writer.Write(SuccessRate);
        writer.Write(AverageReward);
        writer.Write(AverageLatencyMs);
        writer.Write(RewardTrend);
        writer.Write(FirstUnixMs);
        writer.Write(LastUnixMs);
    }

    /// <inheritdoc/>
    public static EpisodeTaskStatsResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, FieldCount, "EPISODE_TASK_STATS response");
        var task = Fields.ReadString(ref reader, MemoryWireLimits.MaxContentBytes, "task");
        var attempts = (int)Fields.ReadUInt32(ref reader, "attempts", int.MaxValue);
        var successes = (int)Fields.ReadUInt32(ref reader, "successes", int.MaxValue);
        var successRate = MemoryFields.ReadDouble(ref reader, "successRate");
        var reward = MemoryFields.ReadDouble(ref reader, "averageReward");
        var latency = MemoryFields.ReadDouble(ref reader, "averageLatencyMs");
        var trend = MemoryFields.ReadDouble(ref reader, "rewardTrend");
        var first = Fields.ReadInt64(ref reader, "firstUnixMs");
        var last = Fields.ReadInt64(ref reader, "lastUnixMs");
        Fields.SkipExtraFields(ref reader, count, FieldCount);
        return new EpisodeTaskStatsResponse(task, attempts, successes, successRate, reward, latency, trend, first, last);
    }
}
