using AgentDb.Memory;
using AgentDb.Memory.Skills;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Engine.Memory;

/// <summary>SKILL_CONSOLIDATE: turns tasks with enough good successful episodes into skills (idempotent).</summary>
internal sealed class SkillConsolidateHandler(AgentMemory memory) : MemoryOperation<SkillConsolidateRequest, SkillConsolidateResponse>(memory)
{
    protected override async ValueTask<SkillConsolidateResponse> ExecuteAsync(SkillConsolidateRequest message, CancellationToken cancellationToken)
    {
        var result = await Memory.Skills.ConsolidateEpisodesAsync(
            new SkillConsolidationOptions
            {
                MinAttempts = message.MinAttempts,
                MinReward = message.MinReward,
                FromUnixMs = message.FromUnixMs,
                ToUnixMs = message.ToUnixMs,
            },
            cancellationToken).ConfigureAwait(false);
        return new SkillConsolidateResponse(
            result.EpisodesRead, result.TasksConsidered, result.Created, result.Refreshed, result.Unchanged, result.Conflicts);
    }
}
