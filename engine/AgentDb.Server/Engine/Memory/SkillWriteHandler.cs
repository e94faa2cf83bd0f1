using AgentDb.Memory;
using AgentDb.Wire.Messages;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Engine.Memory;

/// <summary>SKILL_CREATE (BAD_REQUEST when the name is taken) and SKILL_UPSERT (replaces).</summary>
internal sealed class SkillWriteHandler(AgentMemory memory, bool upsert) : MemoryOperation<SkillWriteRequest, EmptyMessage>(memory)
{
    protected override ValueTask<EmptyMessage> ExecuteAsync(SkillWriteRequest message, CancellationToken cancellationToken)
    {
        var skill = MemoryConversions.ToSkill(message.Skill);
        if (upsert)
        {
            Memory.Skills.UpsertSkill(skill);
        }
        else
        {
            Memory.Skills.CreateSkill(skill);
        }
        return ValueTask.FromResult(EmptyMessage.Instance);
    }
}
