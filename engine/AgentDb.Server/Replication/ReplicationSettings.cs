namespace AgentDb.Server.Replication;

/// <summary>
/// The <c>replication</c> section of the config file, <c>--replica-of</c> and <c>AGENTDB_REPLICATION_KEY</c>.
/// </summary>
/// <param name="ReplicaOf">The primary's <c>host:port</c>; null: this server is a primary.</param>
/// <param name="Key">The API key (role <c>replication</c> or <c>admin</c> on the primary) this replica presents; null when the primary runs without keys.</param>
/// <param name="ReplicaId">This replica's stable name on the primary; null: derived from the data directory.</param>
/// <param name="Window">Batches the primary may send before this replica acknowledges them.</param>
/// <param name="MaxBatchBytes">The most entry bytes per batch.</param>
/// <param name="SyncReplicas">On a primary: replicas that must acknowledge a write before it is answered (0: asynchronous).</param>
/// <param name="SyncTimeout">On a primary: how long a write waits for <see cref="SyncReplicas"/> acknowledgements before NOT_REPLICATED.</param>
internal sealed record ReplicationSettings(
    string? ReplicaOf,
    string? Key,
    string? ReplicaId,
    int Window,
    int MaxBatchBytes,
    int SyncReplicas,
    TimeSpan SyncTimeout)
{
    /// <summary>A primary, asynchronous replication, window 8, 1 MiB batches, 5 s sync timeout.</summary>
    public static ReplicationSettings Default { get; } = new(null, null, null, 8, 1 << 20, 0, TimeSpan.FromSeconds(5));

    /// <summary>How long a read with <c>minLsn</c> (GET, SEARCH) waits for this server to apply that LSN before BUSY
    /// (config <c>minLsnWaitMs</c>); 2 s by default.</summary>
    public TimeSpan MinLsnWait { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>True when this server follows a primary.</summary>
    public bool IsReplica => ReplicaOf is not null;

    /// <summary>Null when <paramref name="address"/> is a usable <c>host:port</c>, else the reason.</summary>
    public static string? CheckAddress(string address)
    {
        var colon = address.LastIndexOf(':');
        if (colon <= 0 || colon == address.Length - 1)
        {
            return $"'{address}' is not host:port";
        }
        if (!int.TryParse(address.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            || port is < 1 or > 65535)
        {
            return $"'{address}' has no port between 1 and 65535";
        }
        return null;
    }

    /// <summary>Splits a checked <c>host:port</c>.</summary>
    public static (string Host, int Port) SplitAddress(string address)
    {
        var colon = address.LastIndexOf(':');
        var host = address[..colon].Trim('[', ']');
        return (host, int.Parse(address.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture));
    }
}
