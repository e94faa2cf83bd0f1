using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>EPISODE_CRITIQUES response: <c>[task: str, attempts: uint, successes: uint, failures: uint, withCritique:
/// uint, best: [WireCritiqueEntry...], worst: [WireCritiqueEntry...]]</c>. <c>best</c> holds the n highest-reward
/// episodes (highest first), <c>worst</c> the n lowest among the rest (lowest first).</summary>
public sealed class EpisodeCritiquesResponse : IWireMessage<EpisodeCritiquesResponse>
{
    private const int FieldCount = 7;

    /// <summary>Creates the response.</summary>
    public EpisodeCritiquesResponse(
        string task, int attempts, int successes, int failures, int withCritique,
        IReadOnlyList<WireCritiqueEntry> best, IReadOnlyList<WireCritiqueEntry> worst)
    {
        Task = task;
        Attempts = attempts;
        Successes = successes;
        Failures = failures;
        WithCritique = withCritique;
        Best = best;
        Worst = worst;
    }

    /// <summary>The task.</summary>
    public string Task { get; }

    /// <summary>Episodes of the task.</summary>
    public int Attempts { get; }

    /// <summary>Of those, successes.</summary>
    public int Successes { get; }

    /// <summary>Of those, failures.</summary>
    public int Failures { get; }

    /// <summary>Episodes with a non-empty critique.</summary>
    public int WithCritique { get; }

    /// <summary>The best episodes' critiques.</summary>
    public IReadOnlyList<WireCritiqueEntry> Best { get; }

    /// <summary>The worst episodes' critiques.</summary>
    public IReadOnlyList<WireCritiqueEntry> Worst { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(FieldCount);
        writer.Write(Task);
        writer.Write(Attempts);
        writer.Write(Successes);
        writer.Write(Failures);
        writer.Write(WithCritique);
        WriteEntries(ref writer, Best);
        WriteEntries(ref writer, Worst);
    }

    /// <inheritdoc/>
    public static EpisodeCritiquesResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, FieldCount, "EPISODE_CRITIQUES response");
        var task = Fields.ReadString(ref reader, MemoryWireLimits.MaxContentBytes, "task");
        var attempts = (int)Fields.ReadUInt32(ref reader, "attempts", int.MaxValue);
        var successes = (int)Fields.ReadUInt32(ref reader, "successes", int.MaxValue);
        var failures = (int)Fields.ReadUInt32(ref reader, "failures", int.MaxValue);
        var withCritique = (int)Fields.ReadUInt32(ref reader, "withCritique", int.MaxValue);
        var best = ReadEntries(ref reader, "best");
        var worst = ReadEntries(ref reader, "worst");
        Fields.SkipExtraFields(ref reader, count, FieldCount);
        return new EpisodeCritiquesResponse(task, attempts, successes, failures, withCritique, best, worst);
    }

    private static void WriteEntries(ref MessagePackWriter writer, IReadOnlyList<WireCritiqueEntry> entries)
    {
        writer.WriteArrayHeader(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            entries[i].Write(ref writer);
        }
    }

    private static WireCritiqueEntry[] ReadEntries(ref MessagePackReader reader, string field)
    {
        var entries = Fields.ReadListCount(ref reader, field, MemoryWireLimits.MaxCritiques);
        var list = new WireCritiqueEntry[entries];
        for (var i = 0; i < entries; i++)
        {
            list[i] = WireCritiqueEntry.Read(ref reader);
        }
        return list;
    }
}
