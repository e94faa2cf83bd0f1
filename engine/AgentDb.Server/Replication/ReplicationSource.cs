using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using AgentDb.Log;
using AgentDb.Server.Network.Handlers;
using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Replication;

/// <summary>
/// The primary's side of log shipping: serves each replica's REPL_SUBSCRIBE as a stream of REPL_ENTRIES batches read
/// from the committed log (raw entries, never re-encoded), at most a window of unacknowledged batches ahead of the
/// replica's REPL_ACKs; keeps a log reader registered per replica so checkpoints do not truncate what it still needs;
/// and lets <c>sync</c> writes wait until enough replicas acknowledged their LSN.
/// </summary>
internal sealed class ReplicationSource : IDisposable
{
    private const int EntryOverheadBytes = 24; // the MessagePack framing of one entry, at most

    private readonly AgentDatabase _database;
    private readonly int _maxBatchBytes;
    private readonly object _gate = new();
    private readonly Dictionary<string, ReplicaFeed> _feeds = new(StringComparer.Ordinal);
    private readonly List<SyncWaiter> _waiters = [];
    private readonly string _snapshotRoot;
    private readonly SemaphoreSlim _snapshotGate = new(1, 1);
    private readonly Dictionary<string, ReplicaBackup> _snapshots = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <param name="database">The primary's database.</param>
    /// <param name="maxFrameBytes">The server's maximum frame size: no batch may exceed it.</param>
    /// <param name="snapshotRoot">Where snapshots for replicas are written; emptied now (snapshots do not outlive the process).</param>
    public ReplicationSource(AgentDatabase database, int maxFrameBytes, string snapshotRoot)
    {
        _database = database;
        _maxBatchBytes = Math.Max(1024, maxFrameBytes / 2);
        _snapshotRoot = snapshotRoot;
        if (Directory.Exists(snapshotRoot))
        {
            Directory.Delete(snapshotRoot, recursive: true);
        }
    }

    /// <summary>The most bytes one REPL_SNAPSHOT_READ answers with.</summary>
    public int MaxSnapshotReadBytes => _maxBatchBytes;

    /// <summary>
    /// Writes a backup for <paramref name="replicaId"/> (replacing its previous one) and keeps the log from the backup's
    /// LSN on for it: the replica restores the backup, then subscribes from the LSN after it.
    /// </summary>
    public async ValueTask<ReplSnapshotResponse> CreateSnapshotAsync(string replicaId, CancellationToken cancellationToken)
    {
        await _snapshotGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Registered before the backup, at or below its LSN: no checkpoint can truncate what follows the backup.
            HoldLogFor(replicaId, _database.AppliedLsn + 1);
            string directory;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_snapshots.Remove(replicaId, out var previous))
                {
                    TryDelete(previous.Directory);
                }
                directory = Path.Combine(_snapshotRoot, Guid.NewGuid().ToString("N"));
            }
            var info = await Task.Run(() => _database.Backup(directory), cancellationToken).ConfigureAwait(false);
            // The epochs the snapshot's entries went through: the replica compares them on its next subscription.
            _database.WriteEpochHistory(Path.Combine(directory, AgentDatabase.EpochHistoryFileName), info.AppliedLsn);
            var files = new List<SnapshotFile>();
            var paths = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(directory, file).Replace(Path.DirectorySeparatorChar, '/');
                files.Add(new SnapshotFile(relative, (ulong)new FileInfo(file).Length));
                paths.Add(relative, file);
            }
            var id = Path.GetFileName(directory);
            lock (_gate)
            {
                _snapshots[replicaId] = new ReplicaBackup(id, directory, paths);
            }
            return new ReplSnapshotResponse(id, (ulong)info.AppliedLsn, files);
        }
        finally
        {
            _snapshotGate.Release();
        }
    }

    /// <summary>Reads a piece of a file of a snapshot made by <see cref="CreateSnapshotAsync"/>.</summary>
    /// <exception cref="RequestException">NOT_FOUND: no such snapshot or file.</exception>
    public async ValueTask<ReadOnlyMemory<byte>> ReadSnapshotAsync(ReplSnapshotReadRequest request, CancellationToken cancellationToken)
    {
        string? path = null;
        lock (_gate)
        {
            foreach (var snapshot in _snapshots.Values)
            {
                if (snapshot.Id == request.SnapshotId)
                {
                    snapshot.Files.TryGetValue(request.Path, out path);
                    break;
                }
            }
        }
        if (path is null)
        {
            throw new RequestException(ErrorCode.NotFound, $"snapshot '{request.SnapshotId}' has no file '{request.Path}' (or the snapshot was replaced)");
        }
        var length = Math.Clamp(request.MaxBytes, 0, _maxBatchBytes);
        var buffer = new byte[length];
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        var offset = (long)Math.Min(request.Offset, (ulong)long.MaxValue);
        var read = await RandomAccess.ReadAsync(handle, buffer, offset, cancellationToken).ConfigureAwait(false);
        return buffer.AsMemory(0, read);
    }

    /// <summary>Serves one subscription until the replica disconnects, a newer subscription of the same id replaces it, or the server stops.</summary>
    public async ValueTask<HandlerResult> StreamAsync(
        ReplSubscribeRequest request, IResponseStream stream, IBufferWriter<byte> responseBody, CancellationToken cancellationToken)
    {
        var id = request.ReplicaId;
        if (request.FromLsn is 0 or > long.MaxValue)
        {
            return HandlerResult.Error(ErrorCode.BadRequest, $"fromLsn {request.FromLsn} is out of range (1 to 2^63-1)");
        }
        var from = (long)request.FromLsn;
        var last = _database.LastLogLsn;
        if (from > last + 1)
        {
            return HandlerResult.Error(ErrorCode.BadRequest,
                $"replica '{id}' asks for LSN {from}, but this primary's log ends at LSN {last}: the replica holds entries the primary " +
                "does not; rebuild the replica from a backup of the primary");
        }

        // Epochs: a replica that holds entries of an older epoch past where that epoch ends in this log diverged (an
        // old primary's unreplicated suffix): it must discard them and start from a snapshot.
        var replicaEpoch = (long)Math.Min(request.Epoch, (ulong)long.MaxValue);
        var currentEpoch = _database.CurrentEpoch;
        if (replicaEpoch > currentEpoch)
        {
            return HandlerResult.Error(ErrorCode.NotPrimary,
                $"replica '{id}' has seen epoch {replicaEpoch}, newer than this server's epoch {currentEpoch}: this server is not the current primary");
        }
        var epochEnd = _database.GetEpochEndLsn(replicaEpoch);
        if (from - 1 > epochEnd)
        {
            return HandlerResult.Error(ErrorCode.NotFound, string.Create(CultureInfo.InvariantCulture,
                $"replica '{id}' diverged after LSN {epochEnd}: it holds LSNs {epochEnd + 1}–{from - 1} of epoch {replicaEpoch}, which ends at LSN {epochEnd} in this primary's log (epoch {currentEpoch}); discard them and start from a snapshot (REPL_SNAPSHOT)"));
        }

        ReplicaFeed feed;
        CancellationTokenSource streamStop;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            feed = HoldLogForLocked(id, from);
            feed.Stream?.Cancel(); // the replica reconnected: the old stream ends
            feed.Unacknowledged.Clear();
            feed.AckedLsn = from - 1;
            feed.SentLsn = from - 1;
            feed.Connected = true;
            feed.LastAckAt = Stopwatch.GetTimestamp();
            streamStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            feed.Stream = streamStop;
        }

        try
        {
            // Registered first, checked second: from here on truncation cannot pass 'from'.
            var first = _database.FirstLogLsn;
            if (from < first && from <= last)
            {
                return HandlerResult.Error(ErrorCode.NotFound,
                    $"replica '{id}' needs LSN {from}, but this primary's log was truncated up to LSN {first - 1}: " +
                    "start from a snapshot (REPL_SNAPSHOT)");
            }
            var maxBatch = Math.Clamp(request.MaxBatchBytes, 1, _maxBatchBytes);
            await PumpAsync(feed, from, request.Window, maxBatch, stream, streamStop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (streamStop.IsCancellationRequested)
        {
            // replaced, disconnected or stopping
        }
        catch (ObjectDisposedException)
        {
            // the database closed under the stream
        }
        finally
        {
            lock (_gate)
            {
                if (feed.Stream == streamStop)
                {
                    feed.Stream = null;
                    feed.Connected = false;
                }
            }
            streamStop.Dispose();
        }
        MessageCodec.Encode(responseBody, new ReplSubscribeResponse((ulong)Math.Max(0, _database.LastLogLsn)));
        return HandlerResult.Success;
    }

    /// <summary>Records a replica's acknowledgement: opens its window, lets truncation pass, wakes sync writers.</summary>
    /// <exception cref="RequestException">BAD_REQUEST: the replica has no subscription here.</exception>
    public void Acknowledge(string replicaId, ulong appliedLsn)
    {
        List<SyncWaiter>? done = null;
        ReplicaFeed? feed;
        lock (_gate)
        {
            if (!_feeds.TryGetValue(replicaId, out feed) || !feed.Connected)
            {
                throw new RequestException(ErrorCode.BadRequest, $"replica '{replicaId}' has no subscription on this server");
            }
            // A replica cannot have applied what was not sent to it.
            var applied = (long)Math.Min(appliedLsn, (ulong)feed.SentLsn);
            if (applied > feed.AckedLsn)
            {
                feed.AckedLsn = applied;
                feed.Registration.Advance(applied + 1);
            }
            while (feed.Unacknowledged.Count > 0 && feed.Unacknowledged.Peek().Lsn <= applied)
            {
                feed.Unacknowledged.Dequeue();
            }
            feed.LastAckAt = Stopwatch.GetTimestamp();
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                var waiter = _waiters[i];
                if (CountAckedLocked(waiter.Lsn) >= waiter.Replicas)
                {
                    (done ??= []).Add(waiter);
                    _waiters.RemoveAt(i);
                }
            }
        }
        feed.AckArrived.Release();
        if (done is not null)
        {
            foreach (var waiter in done)
            {
                waiter.Done.TrySetResult(true);
            }
        }
    }

    /// <summary>
    /// Waits until <paramref name="replicas"/> replicas acknowledged every entry up to <paramref name="lsn"/>; false when
    /// <paramref name="timeout"/> passes first.
    /// </summary>
    public async ValueTask<bool> WaitForReplicasAsync(long lsn, int replicas, TimeSpan timeout, CancellationToken cancellationToken)
    {
        SyncWaiter waiter;
        lock (_gate)
        {
            if (CountAckedLocked(lsn) >= replicas)
            {
                return true;
            }
            waiter = new SyncWaiter(lsn, replicas, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
            _waiters.Add(waiter);
        }
        try
        {
            return await waiter.Done.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            lock (_gate)
            {
                _waiters.Remove(waiter);
            }
            return false;
        }
        catch (OperationCanceledException)
        {
            lock (_gate)
            {
                _waiters.Remove(waiter);
            }
            throw;
        }
    }

    /// <summary>Per-replica figures for /metrics.</summary>
    public void AppendMetrics(StringBuilder text)
    {
        var committed = _database.CommittedLogLsn;
        var now = Stopwatch.GetTimestamp();
        text.Append("# HELP agentdb_replication_role 0 primary, 1 replica.\n# TYPE agentdb_replication_role gauge\nagentdb_replication_role 0\n");
        text.Append("# HELP agentdb_replication_replica_connected 1 while the replica's stream is open.\n# TYPE agentdb_replication_replica_connected gauge\n");
        var snapshot = Snapshot(committed, now);
        foreach (var replica in snapshot)
        {
            Labelled(text, "agentdb_replication_replica_connected", replica.Id, replica.Connected ? 1 : 0);
        }
        text.Append("# HELP agentdb_replication_replica_acked_lsn The last LSN the replica acknowledged.\n# TYPE agentdb_replication_replica_acked_lsn gauge\n");
        foreach (var replica in snapshot)
        {
            Labelled(text, "agentdb_replication_replica_acked_lsn", replica.Id, replica.AckedLsn);
        }
        text.Append("# HELP agentdb_replication_replica_lag_lsn Committed LSNs the replica has not acknowledged.\n# TYPE agentdb_replication_replica_lag_lsn gauge\n");
        foreach (var replica in snapshot)
        {
            Labelled(text, "agentdb_replication_replica_lag_lsn", replica.Id, replica.LagLsn);
        }
        text.Append("# HELP agentdb_replication_replica_lag_ms Age of the oldest batch sent to the replica and not acknowledged (a disconnected replica that is behind: time since its last acknowledgement).\n# TYPE agentdb_replication_replica_lag_ms gauge\n");
        foreach (var replica in snapshot)
        {
            Labelled(text, "agentdb_replication_replica_lag_ms", replica.Id, replica.LagMs);
        }
    }

    /// <summary>Figures for STATS: role, replicas connected, the largest lag.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Stats()
    {
        var snapshot = Snapshot(_database.CommittedLogLsn, Stopwatch.GetTimestamp());
        long connected = 0, lagLsn = 0, lagMs = 0;
        foreach (var replica in snapshot)
        {
            if (replica.Connected)
            {
                connected++;
            }
            lagLsn = Math.Max(lagLsn, replica.LagLsn);
            lagMs = Math.Max(lagMs, replica.LagMs);
        }
        return
        [
            new("replication.role", 0),
            new("replication.replicas", snapshot.Count),
            new("replication.replicas.connected", connected),
            new("replication.lag.lsn", lagLsn),
            new("replication.lag.ms", lagMs),
        ];
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            foreach (var feed in _feeds.Values)
            {
                feed.Stream?.Cancel();
                feed.Registration.Dispose();
            }
            foreach (var waiter in _waiters)
            {
                waiter.Done.TrySetResult(false);
            }
            _waiters.Clear();
            foreach (var snapshot in _snapshots.Values)
            {
                TryDelete(snapshot.Directory);
            }
            _snapshots.Clear();
        }
    }

    private async Task PumpAsync(ReplicaFeed feed, long from, int window, int maxBatchBytes, IResponseStream stream, CancellationToken cancellationToken)
    {
        var batch = new List<ReplicatedEntry>(64);
        var commits = new List<ReplCommitTime>(4);
        long commitLsn = 0; // the commit of the entries read last: its LSN and time
        long commitAt = 0;
        long bytes = 0;
        var entries = _database.ReadLog(from, follow: true, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (entries.ConfigureAwait(false))
        {
            // Bounded by the subscription: ends when the token fires or the log is disposed.
            while (true)
            {
                var next = entries.MoveNextAsync();
                if (!next.IsCompleted && batch.Count > 0)
                {
                    // Nothing more is committed right now: ship what we have rather than wait.
                    await SendAsync(feed, batch, commits, window, stream, cancellationToken).ConfigureAwait(false);
                    bytes = 0;
                }
                if (!await next.ConfigureAwait(false))
                {
                    break;
                }
                var record = entries.Current;
                if (record.Lsn > commitLsn)
                {
                    // The commit that made it durable: lag on the replica is measured from it. The log reader may see a
                    // commit a moment before the log records its time, and only the last few thousand are remembered
                    // (a replica catching up): then now, which is at most a moment later.
                    if (!_database.TryGetLogCommitTime(record.Lsn, out commitLsn, out commitAt))
                    {
                        commitLsn = record.Lsn;
                        commitAt = UnixMicrosNow();
                    }
                }
                if (commits.Count > 0 && commits[^1].CommittedAtUnixMicros == commitAt)
                {
                    commits[^1] = new ReplCommitTime((ulong)record.Lsn, commitAt);
                }
                else
                {
                    commits.Add(new ReplCommitTime((ulong)record.Lsn, commitAt));
                }
                batch.Add(new ReplicatedEntry((ulong)record.Lsn, (ulong)record.PreviousLsn, record.Payload));
                bytes += record.Payload.Length + EntryOverheadBytes;
                if (bytes >= maxBatchBytes)
                {
                    await SendAsync(feed, batch, commits, window, stream, cancellationToken).ConfigureAwait(false);
                    bytes = 0;
                }
            }
        }
    }

    private async ValueTask SendAsync(ReplicaFeed feed, List<ReplicatedEntry> batch, List<ReplCommitTime> commits, int window, IResponseStream stream, CancellationToken cancellationToken)
    {
        var last = (long)batch[^1].Lsn;
        // Bounded by acknowledgements: each pass either takes a window slot or waits for an ack (or cancellation).
        while (true)
        {
            lock (_gate)
            {
                if (feed.Unacknowledged.Count < window)
                {
                    feed.Unacknowledged.Enqueue((last, Stopwatch.GetTimestamp()));
                    feed.SentLsn = last;
                    break;
                }
            }
            await feed.AckArrived.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        stream.Send(Opcode.ReplEntries, new ReplEntriesMessage((ulong)Math.Max(last, _database.CommittedLogLsn), UnixMicrosNow(), batch.ToArray(), commits.ToArray()));
        batch.Clear();
        commits.Clear();
    }

    private static long UnixMicrosNow() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond;

    private void HoldLogFor(string replicaId, long lsn)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            HoldLogForLocked(replicaId, lsn);
        }
    }

    /// <summary>The replica's feed, created if new, with its log registration at or below <paramref name="lsn"/>.</summary>
    private ReplicaFeed HoldLogForLocked(string replicaId, long lsn)
    {
        if (!_feeds.TryGetValue(replicaId, out var feed))
        {
            feed = new ReplicaFeed(replicaId, _database.RegisterLogReader("replica:" + replicaId, lsn));
            _feeds.Add(replicaId, feed);
        }
        else if (lsn < feed.Registration.Position)
        {
            feed.Registration.Dispose();
            feed.Registration = _database.RegisterLogReader("replica:" + replicaId, lsn);
        }
        return feed;
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private int CountAckedLocked(long lsn)
    {
        var count = 0;
        foreach (var feed in _feeds.Values)
        {
            if (feed.AckedLsn >= lsn)
            {
                count++;
            }
        }
        return count;
    }

    private List<ReplicaSnapshot> Snapshot(long committed, long now)
    {
        var result = new List<ReplicaSnapshot>();
        lock (_gate)
        {
            foreach (var feed in _feeds.Values)
            {
                var lagLsn = Math.Max(0, committed - feed.AckedLsn);
                // Time: the age of the oldest batch sent and not acknowledged; for a disconnected replica that is
                // behind, the time since its last acknowledgement.
                long lagMs = 0;
                if (lagLsn > 0 && feed.Unacknowledged.Count > 0)
                {
                    lagMs = (long)Stopwatch.GetElapsedTime(feed.Unacknowledged.Peek().SentAt, now).TotalMilliseconds;
                }
                else if (lagLsn > 0 && !feed.Connected)
                {
                    lagMs = (long)Stopwatch.GetElapsedTime(feed.LastAckAt, now).TotalMilliseconds;
                }
                result.Add(new ReplicaSnapshot(feed.ReplicaId, feed.Connected, feed.AckedLsn, lagLsn, lagMs));
            }
        }
        result.Sort(static (a, b) => string.CompareOrdinal(a.Id, b.Id));
        return result;
    }

    private static void Labelled(StringBuilder text, string name, string replica, long value) =>
        text.Append(name).Append("{replica=\"").Append(replica.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal))
            .Append("\"} ").Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');

    private sealed record ReplicaBackup(string Id, string Directory, Dictionary<string, string> Files);

    private sealed record SyncWaiter(long Lsn, int Replicas, TaskCompletionSource<bool> Done);

    private readonly record struct ReplicaSnapshot(string Id, bool Connected, long AckedLsn, long LagLsn, long LagMs);
}
