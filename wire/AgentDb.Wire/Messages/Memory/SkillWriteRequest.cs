using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>SKILL_CREATE and SKILL_UPSERT request: <c>[skill: WireSkill]</c>; the response is <c>[]</c>. SKILL_CREATE
/// of an existing name is BAD_REQUEST; SKILL_UPSERT replaces it.</summary>
public sealed class SkillWriteRequest : IWireMessage<SkillWriteRequest>
{
    /// <summary>Creates the request.</summary>
    public SkillWriteRequest(WireSkill skill) => Skill = skill;

    /// <summary>The skill.</summary>
    public WireSkill Skill { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(1);
        Skill.Write(ref writer);
    }

    /// <inheritdoc/>
    public static SkillWriteRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 1, "SKILL_CREATE");
        var skill = WireSkill.Read(ref reader);
        Fields.SkipExtraFields(ref reader, count, 1);
        return new SkillWriteRequest(skill);
    }
}
