using System.Buffers;
using System.Buffers.Binary;
using AgentDb.Log;
using AgentDb.Storage;

namespace AgentDb;

/// <summary>The replica side of log shipping: the role, and applying a primary's log entries under their own LSNs.</summary>
public sealed partial class AgentDatabase
{
    private readonly object _epochLock = new();
    private RecordWrite[] _replicatedWrites = new RecordWrite[16];
    private volatile bool _promoted;
    private EpochHistory? _epochs;

    /// <summary>The name of the epoch history file inside a database directory (and inside a snapshot made for a replica).</summary>
    public const string EpochHistoryFileName = EpochHistory.FileName;

    /// <summary>
    /// Raised on a replica after <see cref="ApplyReplicated(LogRecord)"/> or <see cref="ApplyReplicated(IReadOnlyList{LogRecord})"/>
    /// made at least one of the primary's entries visible, with the last LSN applied; on the applying thread, before
    /// the call returns. For caches derived from the records (the agent memory's query cache): a replica's writes do
    /// not pass through the code that would invalidate them. A handler must be quick and must not throw.
    /// </summary>
    public event Action<long>? ReplicatedEntriesApplied;

    /// <summary>The database's current role: <see cref="AgentDatabaseOptions.Role"/> until <see cref="PromoteToPrimary"/>.</summary>
    public DatabaseRole Role => _options.Role == DatabaseRole.Replica && !_promoted ? DatabaseRole.Replica : DatabaseRole.Primary;

    /// <summary>The last LSN applied to the record store (and the indexes). Cheap: no directory walk, unlike <see cref="GetStats"/>.</summary>
    public long AppliedLsn => _store.AppliedLsn;

    /// <summary>
    /// The last LSN in the write-ahead log. On a replica this is the position to resume replication after: every entry up
    /// to it is held (applied, or applied by the replay of the next open).
    /// </summary>
    public long LastLogLsn => _log.LastLsn;

    /// <summary>The oldest LSN the write-ahead log still retains (<see cref="LastLogLsn"/> + 1 when it holds none).</summary>
    public long FirstLogLsn => _log.FirstLsn;

    /// <summary>The highest LSN durable in the write-ahead log.</summary>
    public long CommittedLogLsn => _log.CommittedLsn;

    /// <summary>
    /// When the log commit that made <paramref name="lsn"/> durable completed (for replication lag measured from the
    /// primary's commit): the LSN that commit reached and its time in Unix microseconds, this machine's clock. False when
    /// the entry is not committed yet or its commit is no longer remembered (only the last few thousand commits are).
    /// </summary>
    public bool TryGetLogCommitTime(long lsn, out long committedLsn, out long committedAtUnixMicros) =>
        _log.TryGetCommitTime(lsn, out committedLsn, out committedAtUnixMicros);

    /// <summary>
    /// Applies one log entry of the primary on a replica, exactly once: an entry at or below <see cref="LastLogLsn"/> is
    /// skipped (returns false); otherwise its <see cref="LogRecord.PreviousLsn"/> must not be above <see cref="LastLogLsn"/>
    /// (else an entry between them is missing: <see cref="ReplicationGapException"/>; it may be below, when the primary's
    /// LSNs skipped values or the replica started from a snapshot), and the entry is validated, appended to this database's
    /// log under the same LSN, applied to the records and indexes through the same path as a local write, then committed
    /// as <see cref="AgentDatabaseOptions.Durability"/> requires (see <see cref="ApplyReplicated(IReadOnlyList{LogRecord})"/>
    /// for the order). When it returns true the entry is applied and, in <see cref="DurabilityMode.Sync"/> and
    /// <see cref="DurabilityMode.Group"/>, durable; the applied LSN persists with the records as for local writes.
    /// </summary>
    /// <exception cref="InvalidOperationException">The database is not a replica.</exception>
    /// <exception cref="ReplicationGapException">The entry does not follow the last entry held.</exception>
    /// <exception cref="InvalidDataException">The entry is not a well-formed database log entry, or names a collection with another dimension; nothing was written.</exception>
    /// <exception cref="ArgumentException">The entry does not fit in one log page of this database.</exception>
    /// <exception cref="ObjectDisposedException">The database was disposed.</exception>
    /// <exception cref="IOException">The log could not be committed (the database faults and must be reopened).</exception>
    public bool ApplyReplicated(LogRecord record) => ApplyReplicatedCore([record], waitForCommit: true) == 1;

    /// <summary>
    /// Applies a batch of the primary's log entries in order, as <see cref="ApplyReplicated(LogRecord)"/> does each, with
    /// one append section and one commit for the batch. The order is: append the batch to this database's log, start its
    /// commit (in <see cref="DurabilityMode.Group"/> and <see cref="DurabilityMode.Sync"/>; in
    /// <see cref="DurabilityMode.None"/> the background commit takes it), apply it to the records and indexes (visible:
    /// <see cref="VisibleLsn"/> moves and <see cref="ReplicatedEntriesApplied"/> is raised), then wait for the commit.
    /// A replica may show an entry before its own log holds it durably because the primary shipped it only once it was
    /// durable there: a replica that crashes in that window gets it again from the primary (or, when its records were
    /// flushed ahead of its log, is refused at open with <see cref="LogBehindRecordsException"/> and resyncs). Returns how
    /// many entries were applied (the others were held already). When an entry is refused, the entries before it are
    /// still applied and committed, then the exception is thrown.
    /// </summary>
    /// <exception cref="InvalidOperationException">The database is not a replica.</exception>
    /// <exception cref="ReplicationGapException">An entry does not follow the entry before it.</exception>
    /// <exception cref="InvalidDataException">An entry is malformed.</exception>
    /// <exception cref="ObjectDisposedException">The database was disposed.</exception>
    /// <exception cref="IOException">The log could not be committed.</exception>
    public int ApplyReplicated(IReadOnlyList<LogRecord> records) => ApplyReplicatedCore(records, waitForCommit: true);

    /// <summary>
    /// As <see cref="ApplyReplicated(IReadOnlyList{LogRecord})"/>, but returns once the entries are visible, without
    /// waiting for this database's log commit that was started for them: a replica's apply loop takes the next batch
    /// while the commit runs. The entries are durable here only once <see cref="CommittedLogLsn"/> reaches them (wait with
    /// <see cref="WaitForLogCommitAsync"/>): report an LSN to the primary as durably applied only after that.
    /// </summary>
    /// <exception cref="InvalidOperationException">The database is not a replica.</exception>
    /// <exception cref="ReplicationGapException">An entry does not follow the entry before it.</exception>
    /// <exception cref="InvalidDataException">An entry is malformed.</exception>
    /// <exception cref="ObjectDisposedException">The database was disposed.</exception>
    /// <exception cref="IOException">The log faulted earlier.</exception>
    public int ApplyReplicatedAheadOfCommit(IReadOnlyList<LogRecord> records) => ApplyReplicatedCore(records, waitForCommit: false);

    private int ApplyReplicatedCore(IReadOnlyList<LogRecord> records, bool waitForCommit)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return 0;
        }

        var appended = new (long Lsn, long Ticket, byte[] Buffer, int Size)[records.Count];
        int count = 0;
        Exception? refusal = null;
        lock (_appendLock) // reentrant: each entry's append section nests in this one, so the batch appends contiguously
        {
            for (int i = 0; i < records.Count; i++)
            {
                LogRecord record = records[i];
                try
                {
                    if (TryAppendReplicated(record, out byte[]? buffer, out long ticket))
                    {
                        appended[count++] = (record.Lsn, ticket, buffer, record.Payload.Length);
                    }
                }
                catch (Exception exception) // whatever refused it, the entries appended before it must still complete
                {
                    refusal = exception;
                    break;
                }
            }
        }

        if (count > 0 && _log.Durability != DurabilityMode.None)
        {
            // The batch is this replica's commit group: its commit starts now (not at the next background group commit,
            // up to its interval later) and runs while the batch is applied. A failure here faults the log's commit
            // signal, so the commit wait below fails and faults the database as usual.
            try
            {
                _log.BeginCommit();
            }
            catch (Exception exception) when (exception is IOException or ObjectDisposedException)
            {
            }
        }

        Exception? failure = null;
        long lastCompleted = 0;
        for (int i = 0; i < count; i++)
        {
            (long lsn, long ticket, byte[] buffer, int size) = appended[i];
            if (failure is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer); // the database faulted: the sequencer refuses these anyway
                Interlocked.Decrement(ref _inflight);
                continue;
            }

            try
            {
                ApplyReplicatedInTurn(lsn, ticket, buffer, size);
                lastCompleted = lsn;
            }
            catch (Exception exception)
            {
                failure = exception;
            }
        }

        if (lastCompleted > 0)
        {
            ReplicatedEntriesApplied?.Invoke(lastCompleted);
        }

        if (failure is null && waitForCommit && count > 0 && _log.Durability != DurabilityMode.None)
        {
            try
            {
                // The commit started above covers the batch: wait for it (a second commit request would cost a second
                // commit record in Sync durability).
                _log.WaitForCommitAsync(appended[count - 1].Lsn).AsTask().GetAwaiter().GetResult();
            }
            catch (Exception exception)
            {
                Fault(exception); // applied but not durable, and the log refuses more: stop until a reopen
                failure = exception;
            }
        }

        if (failure is not null)
        {
            throw failure;
        }

        if (refusal is not null)
        {
            throw refusal;
        }

        return count;
    }

    /// <summary>
    /// Applies a replicated entry in its turn without waiting for its log commit (the caller started it): a replica's
    /// entries are durable on the primary already. Returns the entry's buffer to the pool.
    /// </summary>
    private void ApplyReplicatedInTurn(long lsn, long ticket, byte[] buffer, int size)
    {
        try
        {
            WaitTurnOrFault(ticket);
            ApplyInTurn(lsn, ticket, buffer, size);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Interlocked.Decrement(ref _inflight);
            MaybeCheckpoint();
        }
    }

    /// <summary>
    /// Makes a replica the primary: from now on it takes client writes, with LSNs continuing above the last replicated
    /// one. Entries from the old primary are no longer accepted. Idempotent.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The database was disposed.</exception>
    public void PromoteToPrimary()
    {
        lock (_appendLock)
        {
            ThrowIfClosed();
            _promoted = true;
        }
    }

    /// <summary>
    /// Turns a database opened as <see cref="DatabaseRole.Replica"/> and promoted back into a replica: from now on it
    /// refuses client writes (<see cref="NotPrimaryException"/>) and takes replicated entries again. Writes appended
    /// before the call still complete. Idempotent.
    /// </summary>
    /// <exception cref="InvalidOperationException">The database was opened as a primary.</exception>
    /// <exception cref="ObjectDisposedException">The database was disposed.</exception>
    public void DemoteToReplica()
    {
        lock (_appendLock)
        {
            ThrowIfClosed();
            if (_options.Role != DatabaseRole.Replica)
            {
                throw new InvalidOperationException($"The database '{_path}' was opened as a primary; only a database opened as a replica can be demoted.");
            }

            _promoted = false;
        }
    }

    /// <summary>The latest epoch (primary term) recorded in this database's log: 0 before the first one.</summary>
    /// <exception cref="InvalidDataException">The epoch history file is malformed.</exception>
    public long CurrentEpoch
    {
        get
        {
            lock (_epochLock)
            {
                return Epochs.Current;
            }
        }
    }

    /// <summary>The epochs this database's log went through, oldest first (kept when the log is truncated).</summary>
    /// <exception cref="InvalidDataException">The epoch history file is malformed.</exception>
    public IReadOnlyList<EpochStart> GetEpochHistory()
    {
        lock (_epochLock)
        {
            return [.. Epochs.Entries];
        }
    }

    /// <summary>
    /// The last LSN this database's history holds for <paramref name="epoch"/>: the LSN before the first later epoch's
    /// marker, or <see cref="LastLogLsn"/> when no later epoch began. A replica of another primary that holds entries of
    /// <paramref name="epoch"/> above this LSN diverged from this log there.
    /// </summary>
    public long GetEpochEndLsn(long epoch)
    {
        lock (_epochLock)
        {
            return Epochs.EndOf(epoch, _log.LastLsn);
        }
    }

    /// <summary>The epoch the log entry at <paramref name="lsn"/> belongs to (0 before the first epoch marker).</summary>
    public long GetEpochAt(long lsn)
    {
        lock (_epochLock)
        {
            return Epochs.EpochAt(lsn);
        }
    }

    /// <summary>Writes the epoch history up to <paramref name="upToLsn"/> into <paramref name="file"/> (for a snapshot sent to a replica).</summary>
    public void WriteEpochHistory(string file, long upToLsn)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        lock (_epochLock)
        {
            Epochs.WriteTo(file, upToLsn);
        }
    }

    /// <summary>
    /// Starts primary term <paramref name="epoch"/>: appends an epoch marker entry to the log (shipped to replicas like
    /// any entry), waits for it to be committed and applied, and records it in the epoch history. Call it before the
    /// new primary's first client write. Returns the marker's LSN.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epoch"/> is not above <see cref="CurrentEpoch"/>.</exception>
    /// <exception cref="NotPrimaryException">The database is a replica.</exception>
    /// <exception cref="ObjectDisposedException">The database was disposed.</exception>
    /// <exception cref="IOException">The log could not be committed.</exception>
    public long BeginEpoch(long epoch)
    {
        int size = LogEntryCodec.EpochSize;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(LogRoom + size);
        long lsn;
        long ticket;
        try
        {
            lock (_appendLock)
            {
                ThrowIfClosed();
                ThrowIfReplica();
                long current = CurrentEpoch;
                if (epoch <= current)
                {
                    throw new ArgumentOutOfRangeException(nameof(epoch), epoch, $"The database '{_path}' is already at epoch {current}; a new epoch must be above it.");
                }

                LogEntryCodec.EncodeEpoch(buffer.AsSpan(LogRoom, size), NowUnixMs(), epoch);
                (lsn, ticket) = AppendLocked(buffer, size);
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        CompleteWrite(lsn, ticket, buffer, size);
        return lsn;
    }

    /// <summary>Applies an epoch marker (local, replicated or replayed): no record changes, the applied LSN moves, the history records it.</summary>
    private void ApplyEpochEntry(long lsn, long timestamp, ReadOnlySpan<byte> entry)
    {
        _ = timestamp;
        long epoch = LogEntryCodec.DecodeEpoch(entry);
        _store.MarkApplied(lsn);
        lock (_epochLock)
        {
            Epochs.Record(epoch, lsn);
        }
    }

    /// <summary>The history, loaded on first use. Under <see cref="_epochLock"/>.</summary>
    private EpochHistory Epochs => _epochs ??= EpochHistory.Load(_path, _log.LastLsn);

    /// <summary>Refuses client writes on a replica. Called under the append lock by every local append.</summary>
    private void ThrowIfReplica()
    {
        if (_options.Role == DatabaseRole.Replica && !_promoted)
        {
            throw new NotPrimaryException(_path);
        }
    }

    /// <summary>
    /// The append half of <see cref="ApplyReplicated(LogRecord)"/>: checks, copies the entry to a pooled buffer, appends it
    /// under its LSN and takes its apply ticket. False (nothing taken) when the entry is held already.
    /// </summary>
    private bool TryAppendReplicated(LogRecord record, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? buffer, out long ticket)
    {
        ReadOnlySpan<byte> payload = record.Payload.Span;
        lock (_appendLock)
        {
            ThrowIfClosed();
            if (Role != DatabaseRole.Replica)
            {
                throw new InvalidOperationException($"The database '{_path}' is not a replica; it does not apply replicated log entries.");
            }

            long held = _log.LastLsn;
            if (record.Lsn <= held)
            {
                buffer = null;
                ticket = 0;
                return false;
            }

            if (record.PreviousLsn > held)
            {
                throw new ReplicationGapException(record.Lsn, record.PreviousLsn, held);
            }

            LogOpCode opCode = ValidateReplicatedEntry(record.Lsn, record.Payload);
            // CompleteWrite reads the entry at buffer[LogRoom..], as local appends leave room for the log's header there.
            buffer = ArrayPool<byte>.Shared.Rent(LogRoom + Math.Max(payload.Length, 1));
            try
            {
                payload.CopyTo(buffer.AsSpan(LogRoom));
                _log.AppendAt(record.Lsn, payload);
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(buffer);
                throw;
            }

            ticket = _nextTicket++;
            Interlocked.Increment(ref _inflight);
            TrackReplicatedCollection(record.Lsn, opCode, payload);
            return true;
        }
    }

    /// <summary>Keeps the append-time view of collections (<c>_logical</c>) in step, as local creates and drops do, so a promoted replica writes correctly.</summary>
    private void TrackReplicatedCollection(long lsn, LogOpCode opCode, ReadOnlySpan<byte> entry)
    {
        if (opCode == LogOpCode.CreateCollection)
        {
            (string name, int dimension, Kernels.DistanceMetric metric) = LogEntryCodec.DecodeCreate(entry);
            (int m, int efConstruction) = LogEntryCodec.DecodeCreateHnsw(entry);
            _logical[name] = new LogicalCollection(lsn, dimension, metric, m, efConstruction);
        }
        else if (opCode == LogOpCode.DropCollection)
        {
            long id = LogEntryCodec.DecodeDrop(entry);
            string? dropped = null;
            foreach (KeyValuePair<string, LogicalCollection> pair in _logical)
            {
                if (pair.Value.Id == id)
                {
                    dropped = pair.Key;
                    break;
                }
            }

            if (dropped is not null)
            {
                _logical.Remove(dropped);
            }
        }
    }

    /// <summary>
    /// Checks a replicated entry fully before anything is written: a malformed entry in the replica's log would fail
    /// every replay. Under the append lock.
    /// </summary>
    /// <exception cref="InvalidDataException">The entry is malformed.</exception>
    private LogOpCode ValidateReplicatedEntry(long lsn, ReadOnlyMemory<byte> entry)
    {
        ReadOnlySpan<byte> span = entry.Span;
        LogOpCode opCode = LogEntryCodec.ReadHeader(span, lsn, out _);
        switch (opCode)
        {
            case LogOpCode.CreateCollection:
            {
                if (span.Length < LogEntryCodec.HeaderSize + 8
                    || span.Length < LogEntryCodec.HeaderSize + 8 + BinaryPrimitives.ReadUInt16LittleEndian(span[(LogEntryCodec.HeaderSize + 6)..]))
                {
                    throw new InvalidDataException($"Replicated log entry LSN {lsn}: the create-collection entry is truncated ({span.Length} bytes).");
                }

                (string name, int dimension, Kernels.DistanceMetric metric) = LogEntryCodec.DecodeCreate(span);
                try
                {
                    ValidateCollectionName(name);
                }
                catch (ArgumentException exception)
                {
                    throw new InvalidDataException($"Replicated log entry LSN {lsn}: {exception.Message}", exception);
                }

                if (dimension < 1 || dimension > MaxDimension || !Enum.IsDefined(metric))
                {
                    throw new InvalidDataException($"Replicated log entry LSN {lsn}: collection '{name}' has dimension {dimension} and metric {(int)metric}.");
                }

                (int hnswM, int hnswEfConstruction) = LogEntryCodec.DecodeCreateHnsw(span);
                if (hnswM < 2 || hnswM > MaxHnswM || hnswEfConstruction < hnswM || hnswEfConstruction > MaxHnswEfConstruction)
                {
                    throw new InvalidDataException($"Replicated log entry LSN {lsn}: collection '{name}' has HNSW M {hnswM} and efConstruction {hnswEfConstruction}.");
                }

                return opCode;
            }

            case LogOpCode.DropCollection:
                if (span.Length < LogEntryCodec.HeaderSize + 8)
                {
                    throw new InvalidDataException($"Replicated log entry LSN {lsn}: the drop-collection entry is truncated ({span.Length} bytes).");
                }

                return opCode;

            case LogOpCode.CreatePayloadIndex:
            {
                (_, string field) = LogEntryCodec.DecodeCreatePayloadIndex(span, lsn);
                try
                {
                    ValidatePayloadFieldName(field);
                }
                catch (ArgumentException exception)
                {
                    throw new InvalidDataException($"Replicated log entry LSN {lsn}: {exception.Message}", exception);
                }

                return opCode;
            }

            case LogOpCode.Writes:
            {
                if (span.Length < LogEntryCodec.HeaderSize + 4)
                {
                    throw new InvalidDataException($"Replicated log entry LSN {lsn}: the writes entry is truncated ({span.Length} bytes).");
                }

                int count = LogEntryCodec.DecodeWrites(entry, lsn, ref _replicatedWrites);
                for (int i = 0; i < count; i++)
                {
                    ref readonly RecordWrite write = ref _replicatedWrites[i];
                    if (write.Id.Length == 0 || write.Id.Length > MaxIdBytes)
                    {
                        throw new InvalidDataException($"Replicated log entry LSN {lsn}: write {i} has an id of {write.Id.Length} bytes.");
                    }

                    if (write.Vector.Length > 0 && TryFindLogical(write.CollectionId, out LogicalCollection target) && write.Vector.Length != 4 * target.Dimension)
                    {
                        throw new InvalidDataException($"Replicated log entry LSN {lsn}: write {i} has a vector of {write.Vector.Length / 4} floats for a collection of dimension {target.Dimension}.");
                    }
                }

                Array.Clear(_replicatedWrites, 0, count); // drop the references to the caller's buffer
                return opCode;
            }

            case LogOpCode.Epoch:
                if (span.Length < LogEntryCodec.EpochSize || LogEntryCodec.DecodeEpoch(span) < 1)
                {
                    throw new InvalidDataException($"Replicated log entry LSN {lsn}: the epoch entry is truncated or names epoch 0 ({span.Length} bytes).");
                }

                return opCode;

            default:
                throw new InvalidDataException($"Replicated log entry LSN {lsn} has unknown opcode {(byte)opCode}.");
        }
    }

    private bool TryFindLogical(long id, out LogicalCollection collection)
    {
        foreach (LogicalCollection candidate in _logical.Values)
        {
            if (candidate.Id == id)
            {
                collection = candidate;
                return true;
            }
        }

        collection = default;
        return false;
    }
}
