namespace AgentDb.Memory.Skills;

/// <summary>What <see cref="SkillLibrary.ConsolidateEpisodes"/> did, by skill name (each list in ordinal order).</summary>
/// <param name="EpisodesRead">Episodes in the time window.</param>
/// <param name="TasksConsidered">Distinct tasks among them.</param>
/// <param name="Created">Skills created.</param>
/// <param name="Refreshed">Consolidated skills rewritten because their episodes changed.</param>
/// <param name="Unchanged">Consolidated skills whose episodes had not changed (not rewritten).</param>
/// <param name="Conflicts">Qualifying tasks whose skill name is taken by a skill consolidation did not make from that task (left alone).</param>
public sealed record SkillConsolidationResult(
    int EpisodesRead,
    int TasksConsidered,
    IReadOnlyList<string> Created,
    IReadOnlyList<string> Refreshed,
    IReadOnlyList<string> Unchanged,
    IReadOnlyList<string> Conflicts);
