using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>
/// REPL_SUBSCRIBE request: <c>[replicaId: str, fromLsn: uint, window: uint, maxBatchBytes: uint, epoch?: uint]</c>
/// (<c>epoch</c>, the epoch of the replica's last held entry, is written only when above 0; absent reads as 0). The primary then
/// sends REPL_ENTRIES frames (flag RESPONSE, this request's id) until the stream ends, and answers the request last.
/// </summary>
public sealed class ReplSubscribeRequest : IWireMessage<ReplSubscribeRequest>
{
    /// <summary>The most batches a replica may leave unacknowledged.</summary>
    public const int MaxWindow = 1024;

    /// <summary>Creates the request.</summary>
    /// <param name="replicaId">The replica's stable name (1–256 UTF-8 bytes); one stream per name.</param>
    /// <param name="fromLsn">The first LSN the replica needs (its last held LSN + 1).</param>
    /// <param name="window">Batches the primary may send before the replica acknowledges them (1–1024).</param>
    /// <param name="maxBatchBytes">The most entry bytes per batch (the primary sends at least one entry per batch).</param>
    /// <param name="epoch">The epoch (primary term) of the replica's last held entry; 0 before any epoch.</param>
    public ReplSubscribeRequest(string replicaId, ulong fromLsn, int window, int maxBatchBytes, ulong epoch = 0)
    {
        Epoch = epoch;
        ReplicaId = replicaId;
        FromLsn = fromLsn;
        Window = window;
        MaxBatchBytes = maxBatchBytes;
    }

    /// <summary>The replica's stable name.</summary>
    public string ReplicaId { get; }

    /// <summary>The first LSN wanted.</summary>
    public ulong FromLsn { get; }

    /// <summary>Unacknowledged batches allowed in flight.</summary>
    public int Window { get; }

    /// <summary>The most entry bytes per batch.</summary>
    public int MaxBatchBytes { get; }

    /// <summary>The epoch of the replica's last held entry (0: none, or a replica that does not know epochs).</summary>
    public ulong Epoch { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(Epoch == 0 ? 4 : 5);
        writer.Write(ReplicaId);
        writer.Write(FromLsn);
        writer.Write((uint)Window);
        writer.Write((uint)MaxBatchBytes);
        if (Epoch != 0)
        {
            writer.Write(Epoch);
        }
    }

    /// <inheritdoc/>
    public static ReplSubscribeRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 4, "REPL_SUBSCRIBE");
        var replicaId = Fields.ReadString(ref reader, WireLimits.MaxNameBytes, "replicaId");
        var fromLsn = Fields.ReadUInt64(ref reader, "fromLsn");
        var window = (int)Fields.ReadUInt32(ref reader, "window", MaxWindow);
        var maxBatchBytes = (int)Fields.ReadUInt32(ref reader, "maxBatchBytes", int.MaxValue);
        if (window < 1)
        {
            throw new WireFormatException("window must be at least 1");
        }
        ulong epoch = 0;
        if (count >= 5)
        {
            epoch = Fields.ReadUInt64(ref reader, "epoch");
        }
        Fields.SkipExtraFields(ref reader, count, 5);
        return new ReplSubscribeRequest(replicaId, fromLsn, window, maxBatchBytes, epoch);
    }
}
