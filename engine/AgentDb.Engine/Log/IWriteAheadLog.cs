namespace AgentDb.Log;

/// <summary>
/// An append-only, checksummed log of opaque entries, each identified by a log sequence number (LSN) that the log
/// assigns: a strictly increasing <see cref="long"/>, consecutive except after a crash that lost entries already
/// applied elsewhere (see <see cref="WriteAheadLogOptions.MinimumNextLsn"/>).
/// </summary>
/// <remarks>
/// Implementations are thread-safe. An entry becomes visible to <see cref="ReadFrom"/> once it is committed (durable).
/// Truncation never passes a position held by a registered reader.
/// </remarks>
public interface IWriteAheadLog : IDisposable
{
    /// <summary>The durability mode that <see cref="Commit"/> and <see cref="CommitAsync"/> apply.</summary>
    DurabilityMode Durability { get; }

    /// <summary>The LSN of the oldest entry still retained, or <see cref="LastLsn"/> + 1 when the log holds none.</summary>
    long FirstLsn { get; }

    /// <summary>The LSN of the last appended entry (0 before the first append).</summary>
    long LastLsn { get; }

    /// <summary>The highest LSN known to be durable: every entry at or below it survives a crash.</summary>
    long CommittedLsn { get; }

    /// <summary>Appends one entry to the in-memory tail and returns its LSN. Not durable until committed.</summary>
    /// <param name="payload">The entry's bytes; copied before the call returns.</param>
    /// <returns>The LSN assigned to the entry.</returns>
    /// <exception cref="ArgumentException">The payload does not fit in one log page.</exception>
    /// <exception cref="ObjectDisposedException">The log was disposed.</exception>
    /// <exception cref="IOException">An earlier commit failed; the log accepts no more appends.</exception>
    long Append(ReadOnlySpan<byte> payload);

    /// <summary>
    /// Makes <paramref name="lsn"/> durable as <see cref="Durability"/> requires, blocking the caller:
    /// <see cref="DurabilityMode.Sync"/> forces a commit and waits for it, <see cref="DurabilityMode.Group"/> waits for the
    /// background group commit that covers it, <see cref="DurabilityMode.None"/> returns at once.
    /// </summary>
    /// <exception cref="IOException">The commit failed.</exception>
    void Commit(long lsn);

    /// <summary>The asynchronous form of <see cref="Commit"/>.</summary>
    /// <exception cref="IOException">The commit failed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled (the entry may still become durable).</exception>
    ValueTask CommitAsync(long lsn, CancellationToken cancellationToken = default);

    /// <summary>
    /// Waits until <paramref name="lsn"/> is durable whatever the mode, without forcing a commit: the background committer
    /// commits within <see cref="WriteAheadLogOptions.GroupCommitInterval"/> in every mode.
    /// </summary>
    /// <exception cref="IOException">The commit failed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    ValueTask WaitForCommitAsync(long lsn, CancellationToken cancellationToken = default);

    /// <summary>Commits everything appended so far and waits until it is durable, whatever the mode.</summary>
    /// <exception cref="IOException">The commit failed.</exception>
    void ForceCommit();

    /// <summary>
    /// Starts committing everything appended so far and returns without waiting (a replica makes the entries visible
    /// meanwhile); <see cref="CommittedLsn"/> rises when the commit completes, and <see cref="WaitForCommitAsync"/> waits
    /// for it. A failure faults the log as a failed <see cref="ForceCommit"/> does: the waiters and later appends see it.
    /// </summary>
    /// <exception cref="IOException">The commit could not be started, or an earlier one failed.</exception>
    /// <exception cref="ObjectDisposedException">The log was disposed.</exception>
    void BeginCommit();

    /// <summary>
    /// Streams committed entries with LSN ≥ <paramref name="lsn"/> in LSN order. An LSN below <see cref="FirstLsn"/>
    /// starts at the first retained entry (compare <see cref="LogRecord.Lsn"/> to detect the gap).
    /// </summary>
    /// <param name="lsn">The first LSN wanted.</param>
    /// <param name="follow">
    /// False: the stream ends at the last entry committed when it gets there. True: it waits for further commits until
    /// the token is cancelled or the log is disposed.
    /// </param>
    /// <param name="cancellationToken">Ends the stream with <see cref="OperationCanceledException"/>.</param>
    IAsyncEnumerable<LogRecord> ReadFrom(long lsn, bool follow = false, CancellationToken cancellationToken = default);

    /// <summary>
    /// Discards entries with LSN below <paramref name="lsn"/>, but never below the position of a registered reader.
    /// The truncation is persisted with the next commit; whole segment files are deleted once past.
    /// </summary>
    /// <returns>The new <see cref="FirstLsn"/>.</returns>
    long TruncateBelow(long lsn);

    /// <summary>
    /// Registers a reader (a replica, a backup) that still needs entries from <paramref name="lsn"/> on; truncation stops
    /// at its position until it advances or is disposed. Registrations live in memory only.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty or already registered.</exception>
    LogReaderRegistration RegisterReader(string name, long lsn);
}
