using AgentDb.Wire.Messages;
using MessagePack;

namespace AgentDb.Server.Tests.Memory;

/// <summary>A request body of arbitrary bytes, sent as they are (for malformed-input tests through the client).</summary>
internal sealed class RawBody(byte[] bytes) : IWireMessage<RawBody>
{
    public void Write(ref MessagePackWriter writer) => writer.WriteRaw(bytes);

    public static RawBody Read(ref MessagePackReader reader) => throw new NotSupportedException("requests only");
}

/// <summary>Any response body, skipped unread.</summary>
internal sealed class AnyResponse : IWireMessage<AnyResponse>
{
    public void Write(ref MessagePackWriter writer) => throw new NotSupportedException("responses only");

    public static AnyResponse Read(ref MessagePackReader reader)
    {
        reader.Skip();
        return new AnyResponse();
    }
}
