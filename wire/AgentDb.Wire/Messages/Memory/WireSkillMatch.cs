using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>A skill found by a search: <c>[skill: WireSkill, distance: float32]</c>.</summary>
public sealed class WireSkillMatch
{
    /// <summary>Creates a match.</summary>
    public WireSkillMatch(WireSkill skill, float distance)
    {
        Skill = skill;
        Distance = distance;
    }

    /// <summary>The skill.</summary>
    public WireSkill Skill { get; }

    /// <summary>Cosine distance between the query and the skill's vector.</summary>
    public float Distance { get; }

    internal void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(2);
        Skill.Write(ref writer);
        writer.Write(Distance);
    }

    internal static WireSkillMatch Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 2, "skill match");
        var skill = WireSkill.Read(ref reader);
        var distance = Fields.ReadSingle(ref reader, "match.distance");
        Fields.SkipExtraFields(ref reader, count, 2);
        return new WireSkillMatch(skill, distance);
    }
}
