namespace AgentDb.Memory.Reflexion;

/// <summary>
/// The critiques of a task's best and worst episodes: <see cref="Best"/> holds the n highest-reward episodes (highest
/// first), <see cref="Worst"/> the n lowest-reward among the rest (lowest first); the two never share an episode, so
/// with fewer than 2n attempts <see cref="Worst"/> is shorter. Reward ties go to the newer episode in both lists.
/// </summary>
/// <param name="Task">The task.</param>
/// <param name="Attempts">Episodes of the task.</param>
/// <param name="Successes">Of those, successes.</param>
/// <param name="Failures">Of those, failures.</param>
/// <param name="WithCritique">Episodes whose critique is not empty.</param>
/// <param name="Best">The best episodes' critiques.</param>
/// <param name="Worst">The worst episodes' critiques.</param>
public sealed record CritiqueSummary(
    string Task,
    int Attempts,
    int Successes,
    int Failures,
    int WithCritique,
    IReadOnlyList<CritiqueEntry> Best,
    IReadOnlyList<CritiqueEntry> Worst);
