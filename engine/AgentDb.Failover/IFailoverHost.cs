namespace AgentDb.Failover;

/// <summary>
/// What the <see cref="FailoverCoordinator"/> drives: the server's replication. The coordinator calls
/// <see cref="PromoteAsync"/> and <see cref="Follow"/> one at a time, never concurrently.
/// </summary>
public interface IFailoverHost
{
    /// <summary>This node's log position now.</summary>
    LogPosition LocalPosition { get; }

    /// <summary>Asks the node serving the protocol at <paramref name="protocolAddress"/> for its log position; null when it does not answer.</summary>
    ValueTask<LogPosition?> ProbeAsync(string protocolAddress, CancellationToken cancellationToken);

    /// <summary>
    /// Makes this node the primary of <paramref name="epoch"/>: stop following, begin the epoch in the log, then take
    /// writes. <paramref name="leadership"/> is cancelled when the Raft leadership behind it ends.
    /// </summary>
    ValueTask PromoteAsync(long epoch, CancellationToken leadership);

    /// <summary>
    /// Makes this node a replica of the primary at <paramref name="leaderAddress"/> (null: no leader known, stop taking
    /// writes and wait) for Raft term <paramref name="term"/>; a primary demotes itself first.
    /// </summary>
    void Follow(string? leaderAddress, long term);
}
