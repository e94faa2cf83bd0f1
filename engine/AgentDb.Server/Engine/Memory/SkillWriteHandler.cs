using AgentDb.Memory;
using AgentDb.Wire.Messages;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Engine.Memory;

/// <summary>SKILL_CREATE (BAD_REQUEST when the name is taken) and SKILL_UPSERT (replaces).</summary>
internal sealed class SkillWriteHandler(AgentMemory memory, bool upsert) : MemoryOperation<SkillWriteRequest, EmptyMessage>(memory)
{
    protected override async ValueTask<EmptyMessage> ExecuteAsync(SkillWriteRequest message, CancellationToken cancellationToken)
    {
        var skill = MemoryConversions.ToSkill(message.Skill);
        if (upsert)
        {
            await Memory.Skills.UpsertSkillAsync(skill, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await Memory.Skills.CreateSkillAsync(skill, cancellationToken).ConfigureAwait(false);
        }
        return EmptyMessage.Instance;
    }
}
