namespace AgentDb.Wire.Messages;

/// <summary>A message body is well-formed MessagePack but not a valid message (missing field, value out of range).</summary>
public sealed class WireFormatException : Exception
{
    /// <summary>Creates the exception with a sentence naming the field.</summary>
    public WireFormatException(string message)
        : base(message)
    {
    }
}
