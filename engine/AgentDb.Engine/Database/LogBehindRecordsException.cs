namespace AgentDb;

/// <summary>
/// Thrown when a database opened as <see cref="DatabaseRole.Replica"/> finds its records applied further than its
/// write-ahead log reaches: a replica makes the primary's entries visible before its own log commit, and a crash after the
/// record store flushed them and before that commit leaves the log with a hole between its last entry and the applied LSN.
/// Such a log must not be replayed, served to other replicas or used to stand for election; the replica's data is
/// resynchronised from its primary instead (the server moves it aside and downloads a snapshot). Nothing was changed on disk.
/// </summary>
public sealed class LogBehindRecordsException : IOException
{
    /// <summary>Creates the exception for the database in <paramref name="path"/>.</summary>
    public LogBehindRecordsException(string path, long appliedLsn, long lastLogEntryLsn)
        : base($"The database '{path}' has its records applied up to LSN {appliedLsn}, but its write-ahead log ends at LSN {lastLogEntryLsn}: " +
               $"the entries {lastLogEntryLsn + 1}–{appliedLsn} were made visible on this replica and lost from its log before they were committed; resync the replica from its primary.")
    {
        Path = path;
        AppliedLsn = appliedLsn;
        LastLogEntryLsn = lastLogEntryLsn;
    }

    /// <summary>The database directory.</summary>
    public string Path { get; }

    /// <summary>The LSN the record store says is applied.</summary>
    public long AppliedLsn { get; }

    /// <summary>The LSN of the last entry the write-ahead log holds.</summary>
    public long LastLogEntryLsn { get; }
}
