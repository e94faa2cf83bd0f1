using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>EPISODE_CRITIQUES request: <c>[task: str, n: uint]</c>, n from 1 to <see cref="MemoryWireLimits.MaxCritiques"/>.</summary>
public sealed class EpisodeCritiquesRequest : IWireMessage<EpisodeCritiquesRequest>
{
    /// <summary>Creates the request.</summary>
    public EpisodeCritiquesRequest(string task, int n)
    {
        Task = task;
        N = n;
    }

    /// <summary>The task text.</summary>
    public string Task { get; }

    /// <summary>How many best and how many worst critiques.</summary>
    public int N { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(2);
        writer.Write(Task);
        writer.Write(N);
    }

    /// <inheritdoc/>
    public static EpisodeCritiquesRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 2, "EPISODE_CRITIQUES");
        var task = Fields.ReadString(ref reader, MemoryWireLimits.MaxContentBytes, "task");
        var n = MemoryFields.ReadInt32(ref reader, "n", 1, MemoryWireLimits.MaxCritiques);
        Fields.SkipExtraFields(ref reader, count, 2);
        return new EpisodeCritiquesRequest(task, n);
    }
}
