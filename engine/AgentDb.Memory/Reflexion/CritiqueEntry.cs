namespace AgentDb.Memory.Reflexion;

/// <summary>One episode's critique in a <see cref="CritiqueSummary"/>.</summary>
/// <param name="EpisodeId">The episode.</param>
/// <param name="Reward">Its reward.</param>
/// <param name="Success">Whether it succeeded.</param>
/// <param name="TimestampUnixMs">When it happened.</param>
/// <param name="Critique">Its critique (null when none was stored).</param>
public sealed record CritiqueEntry(string EpisodeId, double Reward, bool Success, long TimestampUnixMs, string? Critique);
