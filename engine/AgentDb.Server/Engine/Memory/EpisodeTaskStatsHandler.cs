using AgentDb.Memory;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Engine.Memory;

/// <summary>EPISODE_TASK_STATS: statistics over the episodes of one task (zeros when there are none).</summary>
internal sealed class EpisodeTaskStatsHandler(AgentMemory memory) : MemoryOperation<EpisodeTaskRequest, EpisodeTaskStatsResponse>(memory)
{
    protected override ValueTask<EpisodeTaskStatsResponse> ExecuteAsync(EpisodeTaskRequest message, CancellationToken cancellationToken)
    {
        var stats = Memory.Reflexion.GetTaskStats(message.Task);
        return ValueTask.FromResult(new EpisodeTaskStatsResponse(
            stats.Task, stats.Attempts, stats.Successes, stats.SuccessRate, stats.AverageReward, stats.AverageLatencyMs,
            stats.RewardTrend, stats.FirstUnixMs, stats.LastUnixMs));
    }
}
