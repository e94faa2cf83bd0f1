using AgentDb.Memory.Provenance;

namespace AgentDb.Memory.Skills;

/// <summary>The result of a skill search.</summary>
/// <param name="Matches">The skills kept by the filters, nearest first (ties by name).</param>
/// <param name="Certificate">A certificate over exactly the returned records, in order; null unless asked for.</param>
public sealed record SkillSearchResult(IReadOnlyList<SkillMatch> Matches, RecallCertificate? Certificate);
