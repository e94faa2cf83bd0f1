namespace AgentDb.Memory.Skills;

/// <summary>Thrown by <see cref="SkillLibrary.CreateSkill"/> when a skill of that name exists (use <see cref="SkillLibrary.UpsertSkill"/> to replace it).</summary>
public sealed class SkillAlreadyExistsException : InvalidOperationException
{
    /// <summary>Creates the exception for skill <paramref name="name"/>.</summary>
    public SkillAlreadyExistsException(string name)
        : base($"A skill named '{name}' already exists; skill names are unique. Use UpsertSkill to replace it.")
    {
        Name = name;
    }

    /// <summary>The skill's name.</summary>
    public string Name { get; }
}
