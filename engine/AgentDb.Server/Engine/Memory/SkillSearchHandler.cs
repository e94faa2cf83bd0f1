using AgentDb.Memory;
using AgentDb.Memory.Skills;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Engine.Memory;

/// <summary>SKILL_SEARCH: the skills nearest a task text (embedded here) or vector, nearest first.</summary>
internal sealed class SkillSearchHandler(AgentMemory memory) : MemoryOperation<SkillSearchRequest, SkillSearchResponse>(memory)
{
    protected override ValueTask<SkillSearchResponse> ExecuteAsync(SkillSearchRequest message, CancellationToken cancellationToken)
    {
        var options = new SkillSearchOptions { K = message.K, MinSuccessRate = message.MinSuccessRate, WithCertificate = message.WithCertificate };
        var result = message.Task is { } task
            ? Memory.Skills.SearchSkills(task, options)
            : Memory.Skills.SearchSkills(message.Vector, options);
        var matches = new WireSkillMatch[result.Matches.Count];
        for (var i = 0; i < matches.Length; i++)
        {
            matches[i] = new WireSkillMatch(MemoryConversions.ToWire(result.Matches[i].Skill), result.Matches[i].Distance);
        }
        return ValueTask.FromResult(new SkillSearchResponse(matches, MemoryConversions.ToWire(result.Certificate)));
    }
}
