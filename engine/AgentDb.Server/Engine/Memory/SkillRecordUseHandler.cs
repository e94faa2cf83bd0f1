using AgentDb.Memory;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Engine.Memory;

/// <summary>SKILL_RECORD_USE: folds one use into the skill's statistics and returns the updated skill.</summary>
internal sealed class SkillRecordUseHandler(AgentMemory memory) : MemoryOperation<SkillRecordUseRequest, SkillResponse>(memory)
{
    protected override async ValueTask<SkillResponse> ExecuteAsync(SkillRecordUseRequest message, CancellationToken cancellationToken)
    {
        var skill = await Memory.Skills.RecordUseAsync(message.Name, message.Success, message.Reward, message.LatencyMs, cancellationToken)
            .ConfigureAwait(false);
        return new SkillResponse(MemoryConversions.ToWire(skill));
    }
}
