using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>REPL_SUBSCRIBE response, the last frame of a stream that ended normally (the primary stops): <c>[lastLsn: uint]</c>.</summary>
public sealed class ReplSubscribeResponse : IWireMessage<ReplSubscribeResponse>
{
    /// <summary>Creates the response.</summary>
    public ReplSubscribeResponse(ulong lastLsn) => LastLsn = lastLsn;

    /// <summary>The primary's last LSN when the stream ended.</summary>
    public ulong LastLsn { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(1);
        writer.Write(LastLsn);
    }

    /// <inheritdoc/>
    public static ReplSubscribeResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 1, "REPL_SUBSCRIBE response");
        var lastLsn = Fields.ReadUInt64(ref reader, "lastLsn");
        Fields.SkipExtraFields(ref reader, count, 1);
        return new ReplSubscribeResponse(lastLsn);
    }
}
