namespace AgentDb.Wire.Frames;

/// <summary>
/// The opcode ranges reserved for families of operations not yet defined. A value in a reserved range that is not a
/// defined <see cref="Opcode"/> is an unknown opcode (answered with BAD_REQUEST).
/// </summary>
public static class OpcodeRanges
{
    /// <summary>First opcode of the episode operations (0x1000–0x10FF).</summary>
    public const ushort EpisodesFirst = 0x1000;

    /// <summary>First opcode of the skill operations (0x1100–0x11FF).</summary>
    public const ushort SkillsFirst = 0x1100;

    /// <summary>First opcode of the causal-edge operations (0x1200–0x12FF).</summary>
    public const ushort CausalEdgesFirst = 0x1200;

    /// <summary>First opcode of the graph operations (0x1300–0x13FF).</summary>
    public const ushort GraphFirst = 0x1300;

    /// <summary>First opcode of the agent-memory operations that span families: MEMORY_BATCH, CERTIFICATE_VERIFY,
    /// MEMORY_STATS (0x1400–0x14FF).</summary>
    public const ushort MemoryFirst = 0x1400;

    /// <summary>First opcode of replication (0x2000–0x20FF), spoken between servers only.</summary>
    public const ushort ReplicationFirst = 0x2000;

    /// <summary>Opcodes from here to 0xFFFF are for private extensions and never assigned by this protocol.</summary>
    public const ushort ExtensionsFirst = 0x8000;

    /// <summary>The number of opcodes in each family range.</summary>
    public const ushort FamilySize = 0x0100;
}
