using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>EPISODE_TASK_STATS request: <c>[task: str]</c>.</summary>
public sealed class EpisodeTaskRequest : IWireMessage<EpisodeTaskRequest>
{
    /// <summary>Creates the request.</summary>
    public EpisodeTaskRequest(string task) => Task = task;

    /// <summary>The task text (ordinal equality).</summary>
    public string Task { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(1);
        writer.Write(Task);
    }

    /// <inheritdoc/>
    public static EpisodeTaskRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 1, "EPISODE_TASK_STATS");
        var task = Fields.ReadString(ref reader, MemoryWireLimits.MaxContentBytes, "task");
        Fields.SkipExtraFields(ref reader, count, 1);
        return new EpisodeTaskRequest(task);
    }
}
