using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>CHECKPOINT response: <c>[logAddress: uint]</c>. The request is <see cref="EmptyMessage"/>.</summary>
public sealed class CheckpointResponse : IWireMessage<CheckpointResponse>
{
    /// <summary>Creates the response.</summary>
    public CheckpointResponse(ulong logAddress) => LogAddress = logAddress;

    /// <summary>The log address everything before which is now in the data files.</summary>
    public ulong LogAddress { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(1);
        writer.Write(LogAddress);
    }

    /// <inheritdoc/>
    public static CheckpointResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 1, "CHECKPOINT response");
        var address = Fields.ReadUInt64(ref reader, "logAddress");
        Fields.SkipExtraFields(ref reader, count, 1);
        return new CheckpointResponse(address);
    }
}
