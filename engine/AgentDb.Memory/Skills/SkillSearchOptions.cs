namespace AgentDb.Memory.Skills;

/// <summary>What <see cref="SkillLibrary.SearchSkills(string, SkillSearchOptions?)"/> returns.</summary>
public sealed record SkillSearchOptions
{
    /// <summary>How many skills at most (1 to <see cref="AgentDatabase.MaxSearchResults"/>; default 5).</summary>
    public int K { get; init; } = 5;

    /// <summary>Keep only skills whose success rate is at least this (0 to 1; default 0).</summary>
    public double MinSuccessRate { get; init; }

    /// <summary>Attach a <see cref="Provenance.RecallCertificate"/> over the returned records.</summary>
    public bool WithCertificate { get; init; }
}
