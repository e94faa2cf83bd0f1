using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>BATCH response: <c>[applied: uint, version: uint]</c>.</summary>
public sealed class BatchResponse : IWireMessage<BatchResponse>
{
    /// <summary>Creates the response.</summary>
    public BatchResponse(int applied, ulong version)
    {
        Applied = applied;
        Version = version;
    }

    /// <summary>How many operations were applied (all of them).</summary>
    public int Applied { get; }

    /// <summary>The version the batch was committed at.</summary>
    public ulong Version { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(2);
        writer.Write(Applied);
        writer.Write(Version);
    }

    /// <inheritdoc/>
    public static BatchResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 2, "BATCH response");
        var applied = (int)Fields.ReadUInt32(ref reader, "applied", int.MaxValue);
        var version = Fields.ReadUInt64(ref reader, "version");
        Fields.SkipExtraFields(ref reader, count, 2);
        return new BatchResponse(applied, version);
    }
}
