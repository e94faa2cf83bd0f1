using AgentDb.Memory;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Engine.Memory;

/// <summary>SKILL_GET: one skill by name; NOT_FOUND when there is none.</summary>
internal sealed class SkillGetHandler(AgentMemory memory) : MemoryOperation<MemoryIdRequest, SkillResponse>(memory)
{
    protected override ValueTask<SkillResponse> ExecuteAsync(MemoryIdRequest message, CancellationToken cancellationToken)
    {
        var skill = Memory.Skills.GetSkill(message.Id) ?? throw new KeyNotFoundException($"skill '{message.Id}' does not exist");
        return ValueTask.FromResult(new SkillResponse(MemoryConversions.ToWire(skill)));
    }
}
