namespace AgentDb.Memory.Skills;

/// <summary>A skill found by a search and how close it is to the query.</summary>
/// <param name="Skill">The skill.</param>
/// <param name="Distance">Cosine distance between the query and the skill's vector.</param>
public sealed record SkillMatch(Skill Skill, float Distance)
{
    /// <summary>Cosine similarity, <c>1 − Distance</c>.</summary>
    public float Similarity => 1f - Distance;
}
