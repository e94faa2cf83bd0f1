using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>
/// REPL_ACK request, sent by a replica on its subscription's connection: <c>[replicaId: str, appliedLsn: uint]</c>:
/// every entry up to <see cref="AppliedLsn"/> is applied and durable on the replica. Response <c>[]</c>.
/// </summary>
public sealed class ReplAckRequest : IWireMessage<ReplAckRequest>
{
    /// <summary>Creates the request.</summary>
    public ReplAckRequest(string replicaId, ulong appliedLsn)
    {
        ReplicaId = replicaId;
        AppliedLsn = appliedLsn;
    }

    /// <summary>The replica's name, as in its REPL_SUBSCRIBE.</summary>
    public string ReplicaId { get; }

    /// <summary>The last LSN applied and durable on the replica.</summary>
    public ulong AppliedLsn { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(2);
        writer.Write(ReplicaId);
        writer.Write(AppliedLsn);
    }

    /// <inheritdoc/>
    public static ReplAckRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 2, "REPL_ACK");
        var replicaId = Fields.ReadString(ref reader, WireLimits.MaxNameBytes, "replicaId");
        var applied = Fields.ReadUInt64(ref reader, "appliedLsn");
        Fields.SkipExtraFields(ref reader, count, 2);
        return new ReplAckRequest(replicaId, applied);
    }
}
