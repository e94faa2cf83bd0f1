using AgentDb.Log;

namespace AgentDb.Server.Replication;

/// <summary>
/// What a primary knows about one replica: its log reader registration (truncation waits for it), the batches sent and
/// not yet acknowledged, and its acknowledged LSN. Kept across reconnections of the same replica id, so a replica that
/// restarts finds the log it needs still there. Guarded by the owning <see cref="ReplicationSource"/>'s lock, except the
/// signal.
/// </summary>
internal sealed class ReplicaFeed(string replicaId, LogReaderRegistration registration)
{
    public string ReplicaId { get; } = replicaId;

    public LogReaderRegistration Registration { get; set; } = registration;

    /// <summary>The last LSN of each batch sent and not yet acknowledged, and when it was sent (Stopwatch ticks), oldest first.</summary>
    public Queue<(long Lsn, long SentAt)> Unacknowledged { get; } = new();

    /// <summary>Released on every acknowledgement (window waits loop on it).</summary>
    public SemaphoreSlim AckArrived { get; } = new(0);

    public long AckedLsn { get; set; }

    public long SentLsn { get; set; }

    /// <summary>The stream serving the replica now; cancelled when a new subscription of the same id replaces it.</summary>
    public CancellationTokenSource? Stream { get; set; }

    public bool Connected { get; set; }

    /// <summary>When the replica last acknowledged anything, or subscribed (Stopwatch ticks).</summary>
    public long LastAckAt { get; set; }
}
