namespace AgentDb.Memory.Graph;

/// <summary>The scalar types a node or edge property may hold.</summary>
public enum GraphValueKind
{
    /// <summary>No value: <c>default(GraphValue)</c>, refused wherever a property value is expected.</summary>
    None = 0,

    /// <summary>A string.</summary>
    String = 1,

    /// <summary>A 64-bit signed integer.</summary>
    Int64 = 2,

    /// <summary>A 64-bit IEEE-754 floating-point number.</summary>
    Double = 3,

    /// <summary>A boolean.</summary>
    Boolean = 4,
}
