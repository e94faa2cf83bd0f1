namespace AgentDb;

/// <summary>
/// A replicated log entry's predecessor in the primary's log is above the last entry the replica holds: an entry between
/// them was lost on the way, or was truncated on the primary. Nothing of the refused entry was written.
/// </summary>
public sealed class ReplicationGapException : InvalidOperationException
{
    /// <summary>Creates the exception for an entry <paramref name="lsn"/> whose predecessor is <paramref name="previousLsn"/> while the replica holds up to <paramref name="heldLsn"/>.</summary>
    public ReplicationGapException(long lsn, long previousLsn, long heldLsn)
        : base($"Replicated log entry LSN {lsn} follows LSN {previousLsn}, but the replica holds the log up to LSN {heldLsn}.")
    {
        Lsn = lsn;
        PreviousLsn = previousLsn;
        HeldLsn = heldLsn;
    }

    /// <summary>The refused entry's LSN.</summary>
    public long Lsn { get; }

    /// <summary>The LSN the refused entry says precedes it in the primary's log.</summary>
    public long PreviousLsn { get; }

    /// <summary>The last LSN in the replica's log.</summary>
    public long HeldLsn { get; }
}
