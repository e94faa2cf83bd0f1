using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using AgentDb.Log;
using AgentDb.Wire;
using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Replication;

/// <summary>
/// The replica's side of log shipping: connects to the primary over the binary protocol (HELLO with the replication
/// key), subscribes from the LSN after the last one its log holds, applies each REPL_ENTRIES batch through
/// <see cref="AgentDatabase.ApplyReplicatedAheadOfCommit"/> (the local write path: records, indexes, applied LSN; visible
/// before this replica's own log commit completes, as the primary shipped it durable), acknowledges it once that commit
/// made it durable here (<see cref="DurableAcknowledger"/>), and reconnects with backoff when anything fails.
/// </summary>
internal sealed class ReplicaFollower : IAsyncDisposable
{
    private static readonly TimeSpan s_firstRetry = TimeSpan.FromMilliseconds(100);
    private static long s_discardedEntries;

    private readonly AgentDatabase _database;
    private readonly ReplicationSettings _settings;
    private readonly string _replicaId;
    private readonly TextWriter _log;
    private readonly string _dataDirectory;
    private readonly Action _requestRestart;
    private readonly string _host;
    private readonly int _port;
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<bool>? _fence;
    private readonly TimeSpan _lastRetry;
    private Task? _running;
    private volatile bool _connected;
    private long _primaryLsn;
    private long _lastBatchAt = Stopwatch.GetTimestamp();
    private long _batches;
    private long _entries;
    private long _errors;
    private long _lastBatchMicros;
    private long _negativeLags;
    private readonly LagHistogram _commitLag = new();
    private readonly LagHistogram _commitToSent = new(); // its parts, per entry: on the primary (flow control included)
    private readonly LagHistogram _sentToReceived = new(); // the network and this replica's read of the frame
    private readonly LagHistogram _receivedToVisible = new(); // decode, append, apply
    private readonly LagHistogram _receivedToApplying = new(); // its parts: waiting for the applier (the apply before, a thread hop)
    private readonly LagHistogram _applyingToVisible = new(); // append, start of this replica's log commit, apply to the records and indexes
    private readonly LagHistogram _visibleToDurable = new(); // after it: the rest of this replica's log commit (not part of the lag)
    private DurableAcknowledger? _acknowledger;
    private string? _lastError;
    private volatile bool _restartRequested;
    private readonly bool _snapshotFirst;

    /// <param name="database">The replica's database.</param>
    /// <param name="settings">Where the primary is and how to talk to it.</param>
    /// <param name="replicaId">This replica's stable name on the primary.</param>
    /// <param name="dataDirectory">Where a snapshot is downloaded (<see cref="ReplicaBootstrap"/>).</param>
    /// <param name="log">Receives warnings.</param>
    /// <param name="requestRestart">Stops the server so that it restarts the engine and installs a downloaded snapshot.</param>
    /// <param name="fence">In a failover cluster: true while the primary followed is still the leader of the term it
    /// was followed for; checked before each batch is applied and before it is acknowledged (a replica never helps an old
    /// primary acknowledge a write after a newer term began). Null: no fence.</param>
    /// <param name="snapshotFirst">True when this replica's data was found corrupt and moved aside
    /// (<see cref="ReplicaRepair"/>): it downloads a full snapshot of the primary before anything else.</param>
    public ReplicaFollower(AgentDatabase database, ReplicationSettings settings, string replicaId, string dataDirectory, TextWriter log, Action requestRestart,
        Func<bool>? fence = null, bool snapshotFirst = false)
    {
        _fence = fence;
        _snapshotFirst = snapshotFirst;
        _lastRetry = fence is null ? TimeSpan.FromSeconds(2) : TimeSpan.FromMilliseconds(200);
        _database = database;
        _settings = settings;
        _replicaId = replicaId;
        _log = log;
        _dataDirectory = dataDirectory;
        _requestRestart = requestRestart;
        (_host, _port) = ReplicationSettings.SplitAddress(settings.ReplicaOf!);
    }

    /// <summary>True once a snapshot is downloaded and the restart that installs it was requested.</summary>
    public bool RestartRequested => _restartRequested;

    /// <summary>The primary's <c>host:port</c>.</summary>
    public string PrimaryAddress => _settings.ReplicaOf!;

    /// <summary>Log entries this process's replicas discarded because they diverged from a new primary (an old primary's unreplicated suffix).</summary>
    public static long DiscardedEntries => Interlocked.Read(ref s_discardedEntries);

    /// <summary>Starts following in the background.</summary>
    public void Start() => _running = Task.Run(() => RunAsync(_stop.Token));

    /// <summary>Stops following; the database stays open.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_running is not null)
        {
            await _running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        _stop.Dispose();
    }

    /// <summary>Figures for /metrics.</summary>
    public void AppendMetrics(StringBuilder text)
    {
        var (applied, lagLsn, lagMs) = Lag();
        Metric(text, "agentdb_replication_role", "gauge", "0 primary, 1 replica.", 1);
        Metric(text, "agentdb_replication_connected", "gauge", "1 while the stream from the primary is open.", _connected ? 1 : 0);
        Metric(text, "agentdb_replication_applied_lsn", "gauge", "The last LSN applied from the primary (visible to reads here).", applied);
        Metric(text, "agentdb_replication_durable_lsn", "gauge", "The last LSN durable in this replica's log (entries become visible before it).", _database.CommittedLogLsn);
        Metric(text, "agentdb_replication_acked_lsn", "gauge", "The last LSN acknowledged to the primary (durable here when sent).", AcknowledgedLsn);
        Metric(text, "agentdb_replication_primary_lsn", "gauge", "The primary's last committed LSN as last reported.", Interlocked.Read(ref _primaryLsn));
        Metric(text, "agentdb_replication_lag_lsn", "gauge", "LSNs the primary had committed and this replica has not applied.", lagLsn);
        Metric(text, "agentdb_replication_lag_ms", "gauge", "0 when this replica holds everything the primary reported; else the last batch's send-to-applied time (while disconnected, at least the time since the last batch).", lagMs);
        Metric(text, "agentdb_replication_last_batch_micros", "gauge", "The last batch's time from the primary's send to applied here (same clock only on one machine).", Interlocked.Read(ref _lastBatchMicros));
        _commitToSent.AppendPrometheus(text, "agentdb_replication_commit_to_sent_seconds",
            "Per log entry, the first part of commit_to_visible: from its commit to its batch's send on the primary (the primary's clock; flow control included).");
        _sentToReceived.AppendPrometheus(text, "agentdb_replication_sent_to_received_seconds",
            "Per log entry, the second part: from its batch's send on the primary to the frame read here (across machines, plus the clocks' offset).");
        _receivedToVisible.AppendPrometheus(text, "agentdb_replication_received_to_visible_seconds",
            "Per log entry, the third part: from the frame read here to applied and visible here (this replica's clock).");
        _commitLag.AppendPrometheus(text, "agentdb_replication_commit_to_visible_seconds",
            "Per log entry: from its commit on the primary (the primary's clock, sent with each batch) to visible on this replica (this replica's clock, after apply). On one machine one clock; across machines the clocks' offset adds to it (synchronise them, e.g. NTP/PTP).");
        Metric(text, "agentdb_replication_commit_to_visible_negative_total", "counter", "Entries whose commit time on the primary was later than their apply time here (clock offset between machines), counted as 0 in the histogram.", Interlocked.Read(ref _negativeLags));
        Metric(text, "agentdb_replication_batches_total", "counter", "Batches applied.", Interlocked.Read(ref _batches));
        Metric(text, "agentdb_replication_entries_total", "counter", "Log entries applied.", Interlocked.Read(ref _entries));
        Metric(text, "agentdb_replication_errors_total", "counter", "Connections to the primary that ended in an error.", Interlocked.Read(ref _errors));
    }

    /// <summary>Figures for STATS.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Stats()
    {
        var (_, lagLsn, lagMs) = Lag();
        return
        [
            new("replication.role", 1),
            new("replication.connected", _connected ? 1 : 0),
            new("replication.primary.lsn", Interlocked.Read(ref _primaryLsn)),
            new("replication.lag.lsn", lagLsn),
            new("replication.lag.ms", lagMs),
            new("replication.lsn.visible", _database.VisibleLsn),
            new("replication.lsn.durable", _database.CommittedLogLsn),
            new("replication.lsn.acked", AcknowledgedLsn),
            new("replication.commit_to_visible.count", _commitLag.Count),
            new("replication.commit_to_visible.p50.us", _commitLag.Quantile(0.50)),
            new("replication.commit_to_visible.p90.us", _commitLag.Quantile(0.90)),
            new("replication.commit_to_visible.p99.us", _commitLag.Quantile(0.99)),
            new("replication.commit_to_visible.p999.us", _commitLag.Quantile(0.999)),
            new("replication.commit_to_visible.max.us", _commitLag.MaxMicros),
            new("replication.commit_to_visible.negative", Interlocked.Read(ref _negativeLags)),
            new("replication.stage.commit_to_sent.p50.us", _commitToSent.Quantile(0.50)),
            new("replication.stage.commit_to_sent.p99.us", _commitToSent.Quantile(0.99)),
            new("replication.stage.sent_to_received.p50.us", _sentToReceived.Quantile(0.50)),
            new("replication.stage.sent_to_received.p99.us", _sentToReceived.Quantile(0.99)),
            new("replication.stage.received_to_visible.p50.us", _receivedToVisible.Quantile(0.50)),
            new("replication.stage.received_to_visible.p99.us", _receivedToVisible.Quantile(0.99)),
            new("replication.stage.received_to_applying.p50.us", _receivedToApplying.Quantile(0.50)),
            new("replication.stage.received_to_applying.p99.us", _receivedToApplying.Quantile(0.99)),
            new("replication.stage.applying_to_visible.p50.us", _applyingToVisible.Quantile(0.50)),
            new("replication.stage.applying_to_visible.p99.us", _applyingToVisible.Quantile(0.99)),
            new("replication.stage.visible_to_durable.p50.us", _visibleToDurable.Quantile(0.50)),
            new("replication.stage.visible_to_durable.p99.us", _visibleToDurable.Quantile(0.99)),
        ];
    }

    private long AcknowledgedLsn => Volatile.Read(ref _acknowledger)?.AcknowledgedLsn ?? 0;

    private (long Applied, long LagLsn, long LagMs) Lag()
    {
        var applied = _database.VisibleLsn;
        var lagLsn = Math.Max(0, Interlocked.Read(ref _primaryLsn) - applied);
        long lagMs = 0;
        if (lagLsn > 0)
        {
            // Behind: the last batch's time from the primary's send to applied here; while disconnected, at least the
            // time since the last batch arrived.
            lagMs = Interlocked.Read(ref _lastBatchMicros) / 1000;
            if (!_connected)
            {
                lagMs = Math.Max(lagMs, (long)Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastBatchAt)).TotalMilliseconds);
            }
        }
        return (applied, lagLsn, lagMs);
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var retry = s_firstRetry;
        // Bounded by the server's life: each pass is one connection, then a growing pause.
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await FollowAsync(stop).ConfigureAwait(false);
                retry = s_firstRetry;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (BootstrapNeededException e)
            {
                _log.WriteLine($"agentdb: warning: replication from {PrimaryAddress}: {e.Message}; downloading a snapshot of the primary");
                try
                {
                    await DownloadSnapshotAsync(stop).ConfigureAwait(false);
                    _restartRequested = true;
                    _requestRestart();
                    return;
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception failure) when (failure is not OutOfMemoryException)
                {
                    Interlocked.Increment(ref _errors);
                    _log.WriteLine($"agentdb: warning: downloading a snapshot from {PrimaryAddress} failed: {failure.Message} (retrying)");
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Interlocked.Increment(ref _errors);
                if (e.Message != _lastError)
                {
                    _lastError = e.Message;
                    _log.WriteLine($"agentdb: warning: replication from {PrimaryAddress}: {e.Message} (retrying)");
                }
            }
            finally
            {
                _connected = false;
            }
            try
            {
                await Task.Delay(retry, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, _lastRetry.Ticks));
        }
    }

    /// <summary>
    /// One connection: HELLO, REPL_SUBSCRIBE, then apply and acknowledge batches until the stream ends. Reading and
    /// applying are two loops: while one apply (with its commit) runs, the frames that arrive are read and decoded, and the
    /// next apply takes all of them at once, with one commit and one acknowledgement (the primary's window bounds them).
    /// </summary>
    private async Task FollowAsync(CancellationToken stop)
    {
        if (_snapshotFirst)
        {
            throw new BootstrapNeededException("this replica's data was found corrupt and moved aside; a full resync is needed");
        }
        // The primary counts the position subscribed from as acknowledged (durable here): entries the last connection
        // made visible must be committed first.
        await _database.WaitForLogCommitAsync(_database.LastLogLsn, stop).ConfigureAwait(false);
        var connection = await ConnectAsync(stop).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var subscribeId = connection.NextRequestId++;
            var from = _database.LastLogLsn + 1;
            await connection.SendAsync(Opcode.ReplSubscribe, subscribeId,
                new ReplSubscribeRequest(_replicaId, (ulong)from, _settings.Window, _settings.MaxBatchBytes, (ulong)Math.Max(0, _database.CurrentEpoch)), stop).ConfigureAwait(false);
            _connected = true;
            var received = Channel.CreateBounded<ReceivedBatch>(new BoundedChannelOptions(Math.Max(1, _settings.Window))
            {
                SingleReader = true,
                SingleWriter = true,
            });
            using var failed = CancellationTokenSource.CreateLinkedTokenSource(stop);
            var applier = Task.Run(() => ApplyLoopAsync(connection, received.Reader, failed), CancellationToken.None);
            try
            {
                await ReadLoopAsync(connection, subscribeId, from, received.Writer, failed.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (failed.IsCancellationRequested && !stop.IsCancellationRequested)
            {
                // the applier failed: its exception is the one to report (below)
            }
            catch
            {
                await failed.CancelAsync().ConfigureAwait(false);
                received.Writer.TryComplete();
                await applier.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                throw;
            }
            received.Writer.TryComplete();
            await applier.ConfigureAwait(false); // applies what was read before the stream ended; rethrows its failure
        }
    }

    /// <summary>Reads and decodes the stream's frames into <paramref name="received"/> until the primary ends the stream.</summary>
    private async Task ReadLoopAsync(PrimaryConnection connection, ulong subscribeId, long from, ChannelWriter<ReceivedBatch> received, CancellationToken token)
    {
        // Bounded by the stream: ends when the primary answers REPL_SUBSCRIBE, closes, or we stop.
        while (true)
        {
            var (header, body) = await connection.ReadFrameAsync(token).ConfigureAwait(false);
            var receivedAt = UnixMicrosNow();
            if (header.RequestId != subscribeId)
            {
                ThrowIfError(header, body, OpcodeInfo.Name(header.Opcode)); // an ACK refused: reconnect
                continue;
            }
            if (header.Opcode == Opcode.ReplSubscribe)
            {
                try
                {
                    ThrowIfError(header, body, "REPL_SUBSCRIBE");
                }
                catch (PrimaryRefusedException e) when (e.Code == ErrorCode.NotFound)
                {
                    CountDiverged(e.Message, from - 1);
                    throw new BootstrapNeededException(e.Message);
                }
                return; // the primary ended the stream (it is stopping): reconnect
            }
            if (header.Opcode != Opcode.ReplEntries || header.IsError)
            {
                throw new InvalidDataException($"unexpected {OpcodeInfo.Name(header.Opcode)} frame on the replication stream");
            }
            if (!MessageCodec.TryDecode<ReplEntriesMessage>(body, out var batch, out var error))
            {
                throw new InvalidDataException($"a REPL_ENTRIES frame does not decode: {error}");
            }
            await received.WriteAsync(new ReceivedBatch(batch, receivedAt), token).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Applies what was read, all available batches at once, and hands each apply to the <see cref="DurableAcknowledger"/>,
    /// which acknowledges it once durable here, while this loop goes on with the next batches; until the reader completes
    /// (then what is left is applied and acknowledged) or fails. On a failure it cancels <paramref name="failed"/> so the
    /// reader stops too.
    /// </summary>
    private async Task ApplyLoopAsync(PrimaryConnection connection, ChannelReader<ReceivedBatch> received, CancellationTokenSource failed)
    {
        var token = failed.Token;
        var batches = new List<ReceivedBatch>(8);
        var records = new List<LogRecord>(256);
        var visible = Channel.CreateBounded<DurableAcknowledger.Visible>(new BoundedChannelOptions(Math.Max(1, _settings.Window))
        {
            SingleReader = true,
            SingleWriter = true,
        });
        var acknowledger = new DurableAcknowledger(_database, _visibleToDurable,
            (lsn, cancel) => connection.SendAsync(Opcode.ReplAck, connection.NextRequestId++, new ReplAckRequest(_replicaId, (ulong)lsn), cancel),
            ThrowIfFenced);
        Volatile.Write(ref _acknowledger, acknowledger);
        var acknowledging = Task.Run(() => AcknowledgeAsync(acknowledger, visible.Reader, failed), CancellationToken.None);
        try
        {
            // Bounded by the reader: ends when it completes the channel or the token fires.
            while (await received.WaitToReadAsync(token).ConfigureAwait(false))
            {
                batches.Clear();
                while (received.TryRead(out var batch))
                {
                    batches.Add(batch);
                }
                ThrowIfFenced();
                DurableAcknowledger.Visible applied;
                try
                {
                    applied = Apply(batches, records);
                }
                catch (ReplicationGapException e)
                {
                    throw new BootstrapNeededException(e.Message); // this replica's log and the primary's diverged
                }
                await visible.Writer.WriteAsync(applied, token).ConfigureAwait(false);
            }
            visible.Writer.TryComplete();
            await acknowledging.ConfigureAwait(false); // the last acknowledgements go out before the stream ends
        }
        catch (Exception failure)
        {
            await failed.CancelAsync().ConfigureAwait(false);
            visible.Writer.TryComplete();
            await acknowledging.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (failure is OperationCanceledException && acknowledging.Exception?.InnerException is { } cause)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cause); // the acknowledger failed first: its reason
            }
            throw;
        }
    }

    /// <summary>Runs the acknowledger; on a failure cancels <paramref name="failed"/> so the reader and the applier stop too.</summary>
    private static async Task AcknowledgeAsync(DurableAcknowledger acknowledger, ChannelReader<DurableAcknowledger.Visible> visible, CancellationTokenSource failed)
    {
        try
        {
            await acknowledger.RunAsync(visible, failed.Token).ConfigureAwait(false);
        }
        catch
        {
            await failed.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Downloads a snapshot of the primary into <c>DATA/bootstrap</c> (complete only once renamed there).</summary>
    private async Task DownloadSnapshotAsync(CancellationToken stop)
    {
        var connection = await ConnectAsync(stop).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var snapshot = await connection.RequestAsync<ReplSnapshotRequest, ReplSnapshotResponse>(
                Opcode.ReplSnapshot, new ReplSnapshotRequest(_replicaId), stop).ConfigureAwait(false);
            var partial = Path.GetFullPath(Path.Combine(_dataDirectory, ReplicaBootstrap.PartialDirectoryName));
            if (Directory.Exists(partial))
            {
                Directory.Delete(partial, recursive: true);
            }
            Directory.CreateDirectory(partial);
            foreach (var file in snapshot.Files)
            {
                var target = Path.GetFullPath(Path.Combine(partial, file.Path));
                if (Path.IsPathRooted(file.Path) || !target.StartsWith(partial + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    throw new InvalidDataException($"the primary's snapshot names a file outside it: '{file.Path}'");
                }
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                await using (output.ConfigureAwait(false))
                {
                    ulong offset = 0;
                    // Bounded by the file's length: every pass reads at least one byte or fails.
                    while (offset < file.Length)
                    {
                        var piece = await connection.RequestAsync<ReplSnapshotReadRequest, ReplSnapshotReadResponse>(
                            Opcode.ReplSnapshotRead, new ReplSnapshotReadRequest(snapshot.SnapshotId, file.Path, offset, 1 << 20), stop).ConfigureAwait(false);
                        if (piece.Data.IsEmpty)
                        {
                            throw new InvalidDataException($"the snapshot's file '{file.Path}' ended at {offset} of {file.Length} bytes");
                        }
                        await output.WriteAsync(piece.Data, stop).ConfigureAwait(false);
                        offset += (ulong)piece.Data.Length;
                    }
                    await output.FlushAsync(stop).ConfigureAwait(false);
                    output.Flush(flushToDisk: true);
                }
            }
            var complete = Path.Combine(_dataDirectory, ReplicaBootstrap.CompleteDirectoryName);
            if (Directory.Exists(complete))
            {
                Directory.Delete(complete, recursive: true);
            }
            Directory.Move(partial, complete);
            _log.WriteLine($"agentdb: warning: downloaded a snapshot of {PrimaryAddress} at LSN {snapshot.AppliedLsn} ({snapshot.Files.Count} files); restarting the engine to install it");
        }
    }

    /// <summary>Connects and authenticates (HELLO with the replication key).</summary>
    private async Task<PrimaryConnection> ConnectAsync(CancellationToken stop)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(_host, _port, stop).ConfigureAwait(false);
            var connection = new PrimaryConnection(tcp);
            var hello = await connection.RequestAsync<HelloRequest, HelloResponse>(Opcode.Hello,
                new HelloRequest(WireInfo.ProtocolVersion, WireInfo.ProtocolVersion, _settings.Key, $"agentdb-replica/{Program.Version}"), stop)
                .ConfigureAwait(false);
            connection.MaxFrame = hello.MaxFrameSize;
            return connection;
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Applies the batches (visible when it returns; this replica's log commit for them started, not awaited) and records
    /// their lag. Returns what to acknowledge once durable.
    /// </summary>
    private DurableAcknowledger.Visible Apply(List<ReceivedBatch> batches, List<LogRecord> records)
    {
        records.Clear();
        foreach (var (batch, _) in batches)
        {
            foreach (var entry in batch.Entries)
            {
                records.Add(new LogRecord((long)entry.Lsn, entry.Entry) { PreviousLsn = (long)entry.PreviousLsn });
            }
        }
        var applyingAt = UnixMicrosNow();
        _database.ApplyReplicatedAheadOfCommit(records);
        var visibleAt = UnixMicrosNow();
        foreach (var (batch, receivedAt) in batches)
        {
            RecordCommitLag(batch, receivedAt, visibleAt);
            _receivedToApplying.Record(applyingAt - receivedAt, batch.Entries.Count);
        }
        _applyingToVisible.Record(visibleAt - applyingAt, records.Count);
        var applied = _database.LastLogLsn;
        var last = batches[^1].Batch;
        var now = DateTime.UtcNow.Ticks;
        Interlocked.Exchange(ref _lastBatchMicros, Math.Max(0, ((now - DateTime.UnixEpoch.Ticks) / 10) - last.SentAtUnixMicros));
        var primary = (long)Math.Min(last.PrimaryLastLsn, long.MaxValue);
        Interlocked.Exchange(ref _primaryLsn, Math.Max(primary, Interlocked.Read(ref _primaryLsn)));
        Interlocked.Exchange(ref _lastBatchAt, Stopwatch.GetTimestamp()); // the last batch applied
        Interlocked.Add(ref _batches, batches.Count);
        Interlocked.Add(ref _entries, records.Count);
        return new DurableAcknowledger.Visible(applied, visibleAt, records.Count);
    }

    /// <summary>
    /// Records each entry's time from its commit on the primary to visible here (the batch was just applied). Entries
    /// of a primary that sends no commit times are not recorded.
    /// </summary>
    private void RecordCommitLag(ReplEntriesMessage batch, long receivedAt, long visibleAt)
    {
        var commits = batch.Commits;
        if (commits.Count == 0)
        {
            return;
        }
        _sentToReceived.Record(receivedAt - batch.SentAtUnixMicros, batch.Entries.Count);
        _receivedToVisible.Record(visibleAt - receivedAt, batch.Entries.Count);
        var entries = batch.Entries;
        var entry = 0;
        for (var i = 0; i < commits.Count; i++)
        {
            var covered = 0;
            while (entry < entries.Count && entries[entry].Lsn <= commits[i].LastLsn)
            {
                covered++;
                entry++;
            }
            var lag = visibleAt - commits[i].CommittedAtUnixMicros;
            if (lag < 0)
            {
                Interlocked.Add(ref _negativeLags, covered);
            }
            _commitLag.Record(lag, covered);
            _commitToSent.Record(batch.SentAtUnixMicros - commits[i].CommittedAtUnixMicros, covered);
        }
    }

    private static long UnixMicrosNow() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond;

    private void ThrowIfFenced()
    {
        if (_fence is not null && !_fence())
        {
            throw new IOException($"the Raft term moved past the one {PrimaryAddress} was followed for: not applying or acknowledging its entries");
        }
    }

    /// <summary>Counts and logs the entries a diverged replica discards (the primary's refusal names where its log and ours part).</summary>
    private void CountDiverged(string message, long held)
    {
        var match = System.Text.RegularExpressions.Regex.Match(message, @"diverged after LSN (\d+)");
        if (match.Success && long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var end) && held > end)
        {
            Interlocked.Add(ref s_discardedEntries, held - end);
            _log.WriteLine($"agentdb: warning: replication from {PrimaryAddress}: discarding {held - end} unreplicated log entries (LSNs {end + 1}–{held}) of an earlier primary; resynchronising from a snapshot");
        }
    }

    /// <summary>
    /// Asks the server at <paramref name="address"/> for its log position (STATS <c>cluster.epoch</c> and
    /// <c>cluster.lsn.last</c>); null when it does not answer them.
    /// </summary>
    public static async Task<(long Epoch, long Lsn)?> ProbeAsync(string address, string? key, CancellationToken cancellationToken)
    {
        var (host, port) = ReplicationSettings.SplitAddress(address);
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
        var connection = new PrimaryConnection(tcp);
        await using (connection.ConfigureAwait(false))
        {
            var hello = await connection.RequestAsync<HelloRequest, HelloResponse>(Opcode.Hello,
                new HelloRequest(WireInfo.ProtocolVersion, WireInfo.ProtocolVersion, key, $"agentdb-probe/{Program.Version}"), cancellationToken).ConfigureAwait(false);
            connection.MaxFrame = hello.MaxFrameSize;
            var stats = await connection.RequestAsync<StatsRequest, StatsResponse>(Opcode.Stats, new StatsRequest(null), cancellationToken).ConfigureAwait(false);
            long? epoch = null, lsn = null;
            foreach (var (name, value) in stats.Values)
            {
                if (name == "cluster.epoch")
                {
                    epoch = value;
                }
                else if (name == "cluster.lsn.last")
                {
                    lsn = value;
                }
            }
            return epoch is { } e && lsn is { } l ? (e, l) : null;
        }
    }

    private static void ThrowIfError(FrameHeader header, byte[] body, string operation)
    {
        if (!header.IsError)
        {
            return;
        }
        if (MessageCodec.TryDecode<ErrorResponse>(body, out var error, out _))
        {
            throw new PrimaryRefusedException(error.Code, $"the primary refused {operation}: {Network.ServerMetrics.ErrorCodeName(error.Code)}: {error.Message}");
        }
        throw new PrimaryRefusedException(ErrorCode.None, $"the primary refused {operation} with an error that does not decode");
    }

    private static void Metric(StringBuilder text, string name, string type, string help, long value) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(' ').Append(type)
            .Append('\n').Append(name).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');

    /// <summary>A REPL_ENTRIES batch as read, and when (this replica's clock, Unix microseconds).</summary>
    private readonly record struct ReceivedBatch(ReplEntriesMessage Batch, long ReceivedAt);

    /// <summary>The replica cannot go on from its log: the primary no longer holds what it needs, or the two diverged.</summary>
    private sealed class BootstrapNeededException(string message) : Exception(message);

    /// <summary>The primary answered an error.</summary>
    private sealed class PrimaryRefusedException(ErrorCode code, string message) : Exception(message)
    {
        public ErrorCode Code { get; } = code;
    }

    /// <summary>One connection to the primary: sequential requests, or a stream read frame by frame.</summary>
    private sealed class PrimaryConnection(TcpClient tcp) : IAsyncDisposable
    {
        private readonly NetworkStream _network = tcp.GetStream();
        private readonly FrameBuffer _output = new();
        private PipeReader? _input;

        public int MaxFrame { get; set; } = WireInfo.DefaultMaxFrameSize;

        public ulong NextRequestId { get; set; } = 1;

        private PipeReader Input => _input ??= PipeReader.Create(_network);

        public async ValueTask SendAsync<T>(Opcode opcode, ulong requestId, T message, CancellationToken stop) where T : IWireMessage<T>
        {
            _output.Reset();
            var frame = _output.Build(opcode, FrameFlags.None, requestId, message);
            await _network.WriteAsync(frame, stop).ConfigureAwait(false);
        }

        /// <summary>Sends one request and reads its answer (nothing else may be in flight).</summary>
        public async ValueTask<TResponse> RequestAsync<TRequest, TResponse>(Opcode opcode, TRequest request, CancellationToken stop)
            where TRequest : IWireMessage<TRequest>
            where TResponse : IWireMessage<TResponse>
        {
            var id = NextRequestId++;
            await SendAsync(opcode, id, request, stop).ConfigureAwait(false);
            var (header, body) = await ReadFrameAsync(stop).ConfigureAwait(false);
            if (header.RequestId != id || header.Opcode != opcode)
            {
                throw new InvalidDataException($"expected the answer to {OpcodeInfo.Name(opcode)} {id}, got {OpcodeInfo.Name(header.Opcode)} {header.RequestId}");
            }
            ThrowIfError(header, body, OpcodeInfo.Name(opcode));
            if (!MessageCodec.TryDecode<TResponse>(body, out var response, out var error))
            {
                throw new InvalidDataException($"the primary's {OpcodeInfo.Name(opcode)} answer does not decode: {error}");
            }
            return response;
        }

        /// <summary>Reads one whole frame; its body is copied out of the pipe.</summary>
        public async ValueTask<(FrameHeader Header, byte[] Body)> ReadFrameAsync(CancellationToken stop)
        {
            // Bounded by the connection: each pass consumes a frame, waits for more bytes, or ends.
            while (true)
            {
                var result = await Input.ReadAsync(stop).ConfigureAwait(false);
                var buffer = result.Buffer;
                var consumed = buffer.Start;
                var examined = buffer.End;
                try
                {
                    var status = FrameReader.Read(ref buffer, MaxFrame, out var frame);
                    if (status == FrameStatus.Complete)
                    {
                        consumed = buffer.Start;
                        examined = consumed;
                        return (frame.Header, frame.Body.ToArray());
                    }
                    if (status != FrameStatus.Incomplete)
                    {
                        throw new InvalidDataException($"bad frame from the primary: {FrameReader.Describe(status, frame.Header, MaxFrame)}");
                    }
                    if (result.IsCompleted)
                    {
                        throw new IOException("the primary closed the connection");
                    }
                }
                finally
                {
                    Input.AdvanceTo(consumed, examined);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_input is not null)
            {
                await _input.CompleteAsync().ConfigureAwait(false);
            }
            await _network.DisposeAsync().ConfigureAwait(false);
            _output.Dispose();
            tcp.Dispose();
        }
    }
}
