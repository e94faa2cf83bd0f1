namespace AgentDb.Memory.Reflexion;

/// <summary>Statistics over every stored episode whose task text equals <see cref="Task"/> (ordinal comparison).</summary>
/// <param name="Task">The task.</param>
/// <param name="Attempts">Episodes of the task.</param>
/// <param name="Successes">Of those, successes.</param>
/// <param name="SuccessRate"><c>Successes / Attempts</c> (0 with no attempts).</param>
/// <param name="AverageReward">Mean reward (0 with no attempts).</param>
/// <param name="AverageLatencyMs">Mean latency in ms (0 with no attempts).</param>
/// <param name="RewardTrend">
/// The least-squares slope of reward against attempt number (0, 1, 2, … in time order: by timestamp, ties by id): the
/// average change of reward per attempt. Positive means improving. 0 with fewer than two attempts.
/// </param>
/// <param name="FirstUnixMs">The earliest attempt's timestamp (0 with no attempts).</param>
/// <param name="LastUnixMs">The latest attempt's timestamp (0 with no attempts).</param>
public sealed record TaskStats(
    string Task,
    int Attempts,
    int Successes,
    double SuccessRate,
    double AverageReward,
    double AverageLatencyMs,
    double RewardTrend,
    long FirstUnixMs,
    long LastUnixMs);
