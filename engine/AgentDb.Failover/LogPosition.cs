namespace AgentDb.Failover;

/// <summary>How far a node's log goes: the epoch of its last entry, then its last LSN. Later epochs win over higher LSNs.</summary>
/// <param name="Epoch">The epoch (primary term) of the node's last log entry; 0 before the first epoch.</param>
/// <param name="Lsn">The node's last log LSN.</param>
public readonly record struct LogPosition(long Epoch, long Lsn) : IComparable<LogPosition>
{
    /// <inheritdoc/>
    public int CompareTo(LogPosition other) => Epoch != other.Epoch ? Epoch.CompareTo(other.Epoch) : Lsn.CompareTo(other.Lsn);

    /// <summary>True when <paramref name="left"/> is further than <paramref name="right"/>.</summary>
    public static bool operator >(LogPosition left, LogPosition right) => left.CompareTo(right) > 0;

    /// <summary>True when <paramref name="left"/> is behind <paramref name="right"/>.</summary>
    public static bool operator <(LogPosition left, LogPosition right) => left.CompareTo(right) < 0;

    /// <summary>True when <paramref name="left"/> is at least as far as <paramref name="right"/>.</summary>
    public static bool operator >=(LogPosition left, LogPosition right) => left.CompareTo(right) >= 0;

    /// <summary>True when <paramref name="left"/> is at most as far as <paramref name="right"/>.</summary>
    public static bool operator <=(LogPosition left, LogPosition right) => left.CompareTo(right) <= 0;

    /// <inheritdoc/>
    public override string ToString() => $"epoch {Epoch} LSN {Lsn}";
}
