using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>SKILL_CONSOLIDATE response: <c>[episodesRead: uint, tasksConsidered: uint, created: [str], refreshed:
/// [str], unchanged: [str], conflicts: [str]]</c>, skill names in ordinal order. <c>conflicts</c>: qualifying tasks
/// whose skill name is taken by a skill consolidation did not make (left alone).</summary>
public sealed class SkillConsolidateResponse : IWireMessage<SkillConsolidateResponse>
{
    private const int FieldCount = 6;

    /// <summary>Creates the response.</summary>
    public SkillConsolidateResponse(
        int episodesRead, int tasksConsidered, IReadOnlyList<string> created, IReadOnlyList<string> refreshed,
        IReadOnlyList<string> unchanged, IReadOnlyList<string> conflicts)
    {
        EpisodesRead = episodesRead;
        TasksConsidered = tasksConsidered;
        Created = created;
        Refreshed = refreshed;
        Unchanged = unchanged;
        Conflicts = conflicts;
    }

    /// <summary>Episodes in the time window.</summary>
    public int EpisodesRead { get; }

    /// <summary>Distinct tasks among them.</summary>
    public int TasksConsidered { get; }

    /// <summary>Skills created.</summary>
    public IReadOnlyList<string> Created { get; }

    /// <summary>Consolidated skills rewritten because their episodes changed.</summary>
    public IReadOnlyList<string> Refreshed { get; }

    /// <summary>Consolidated skills left as they were.</summary>
    public IReadOnlyList<string> Unchanged { get; }

    /// <summary>Qualifying tasks whose name is taken by another skill.</summary>
    public IReadOnlyList<string> Conflicts { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(FieldCount);
        writer.Write(EpisodesRead);
        writer.Write(TasksConsidered);
        MemoryFields.WriteStringList(ref writer, Created);
        MemoryFields.WriteStringList(ref writer, Refreshed);
        MemoryFields.WriteStringList(ref writer, Unchanged);
        MemoryFields.WriteStringList(ref writer, Conflicts);
    }

    /// <inheritdoc/>
    public static SkillConsolidateResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, FieldCount, "SKILL_CONSOLIDATE response");
        var episodes = (int)Fields.ReadUInt32(ref reader, "episodesRead", int.MaxValue);
        var tasks = (int)Fields.ReadUInt32(ref reader, "tasksConsidered", int.MaxValue);
        var created = MemoryFields.ReadStringList(ref reader, "created", MemoryWireLimits.MaxResults, WireLimits.MaxIdBytes);
        var refreshed = MemoryFields.ReadStringList(ref reader, "refreshed", MemoryWireLimits.MaxResults, WireLimits.MaxIdBytes);
        var unchanged = MemoryFields.ReadStringList(ref reader, "unchanged", MemoryWireLimits.MaxResults, WireLimits.MaxIdBytes);
        var conflicts = MemoryFields.ReadStringList(ref reader, "conflicts", MemoryWireLimits.MaxResults, WireLimits.MaxIdBytes);
        Fields.SkipExtraFields(ref reader, count, FieldCount);
        return new SkillConsolidateResponse(episodes, tasks, created, refreshed, unchanged, conflicts);
    }
}
