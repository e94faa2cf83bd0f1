using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>A message body: one MessagePack array whose fields are documented, in order, in docs/PROTOCOL.md.</summary>
/// <typeparam name="TSelf">The message type itself.</typeparam>
public interface IWireMessage<TSelf> where TSelf : IWireMessage<TSelf>
{
    /// <summary>Writes the message as one MessagePack value.</summary>
    void Write(ref MessagePackWriter writer);

    /// <summary>Reads one message. Use MessageCodec.TryDecode, which turns every failure into false.</summary>
    /// <exception cref="WireFormatException">A field is missing, out of range, or of the wrong type.</exception>
    /// <exception cref="MessagePackSerializationException">The bytes are not the MessagePack type expected.</exception>
    /// <exception cref="EndOfStreamException">The body ends inside a value.</exception>
    static abstract TSelf Read(ref MessagePackReader reader);
}
