namespace AgentDb.Wire.Messages.Memory;

/// <summary>The MessagePack type a graph property value travels as. Values match the server's graph value kinds.</summary>
public enum PropertyValueKind : byte
{
    /// <summary><c>default(PropertyValue)</c>: never valid on the wire.</summary>
    None = 0,

    /// <summary>A str.</summary>
    String = 1,

    /// <summary>An integer (int 64 range).</summary>
    Int64 = 2,

    /// <summary>A float 64 (a float 32 is accepted and widened).</summary>
    Double = 3,

    /// <summary>A bool.</summary>
    Boolean = 4,
}
