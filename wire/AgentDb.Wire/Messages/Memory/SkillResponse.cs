using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>SKILL_GET and SKILL_RECORD_USE response: <c>[skill: WireSkill]</c>.</summary>
public sealed class SkillResponse : IWireMessage<SkillResponse>
{
    /// <summary>Creates the response.</summary>
    public SkillResponse(WireSkill skill) => Skill = skill;

    /// <summary>The skill as stored.</summary>
    public WireSkill Skill { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(1);
        Skill.Write(ref writer);
    }

    /// <inheritdoc/>
    public static SkillResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 1, "skill response");
        var skill = WireSkill.Read(ref reader);
        Fields.SkipExtraFields(ref reader, count, 1);
        return new SkillResponse(skill);
    }
}
