using System.Diagnostics;
using System.Net;
using System.Threading.Channels;
using DotNext.Net.Cluster;
using DotNext.Net.Cluster.Consensus.Raft;

namespace AgentDb.Failover;

/// <summary>
/// Leader election and fencing for a cluster of AgentDb servers with DotNext's Raft (<see cref="RaftCluster"/> over its
/// TCP transport, consensus only: no data goes through Raft; the Raft term and vote are kept on disk by
/// <see cref="RaftStateStore"/>). The Raft leader becomes
/// the primary of epoch = its Raft term, but only when no reachable member's log is further than its own; otherwise it
/// resigns and stands by for a while so that the further member is elected. Every other member follows the leader.
/// Writes are fenced by <see cref="HoldsLease"/>: Raft leadership, the leader lease and the term still equal to the epoch.
/// </summary>
public sealed class FailoverCoordinator : IAsyncDisposable
{
    private static readonly TimeSpan s_probeTimeout = TimeSpan.FromMilliseconds(300);

    private readonly ClusterOptions _options;
    private readonly RaftCluster _cluster;
    private readonly TextWriter _log;
    private readonly IAsyncDisposable? _state;
    private readonly string? _stateDirectory;
    private readonly PauseDetector _pauses;
    private readonly Thread _pauseTicker;
    private volatile bool _stopped;
    private readonly Channel<bool> _changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private readonly Dictionary<EndPoint, string> _addresses = [];
    private IFailoverHost? _host;
    private Task? _worker;
    private long _primaryEpoch;
    private string? _leaderAddress;
    private long _leaderTerm = -1;
    private long _standbyUntil;
    private long _handovers;

    private FailoverCoordinator(ClusterOptions options, RaftCluster cluster, TextWriter log, IAsyncDisposable? state, string? stateDirectory)
    {
        _state = state;
        _stateDirectory = stateDirectory;
        // A pause longer than a third of the lower election timeout fences writes for an upper election timeout.
        _pauses = new PauseDetector(
            TimeSpan.FromMilliseconds(options.LowerElectionTimeoutMs / 3.0), TimeSpan.FromMilliseconds(options.UpperElectionTimeoutMs), Stopwatch.GetTimestamp());
        _pauseTicker = new Thread(TickPauses) { IsBackground = true, Name = "agentdb-lease-clock" };
        _options = options;
        _cluster = cluster;
        _log = log;
    }

    /// <summary>
    /// Starts this node's Raft member with its Raft state in memory only (tests): its term starts at
    /// <paramref name="localEpoch"/> (the epoch its log reached) and a restart forgets its vote.
    /// </summary>
    /// <exception cref="ArgumentException">The options are not valid (<see cref="ClusterOptions.Validate"/>).</exception>
    /// <exception cref="System.Net.Sockets.SocketException">The Raft endpoint cannot be bound.</exception>
    public static Task<FailoverCoordinator> StartAsync(ClusterOptions options, long localEpoch, TextWriter log, CancellationToken cancellationToken) =>
        StartAsync(options, localEpoch, stateDirectory: null, log, cancellationToken);

    /// <summary>
    /// Starts this node's Raft member. Its Raft term and vote are kept in <paramref name="stateDirectory"/>
    /// (<see cref="RaftStateStore"/>; null: in memory only), so a member restarted within a term cannot vote twice in it.
    /// The term starts at the larger of the saved term and <paramref name="localEpoch"/> (the epoch its log reached), so
    /// that epochs keep growing across restarts of the whole cluster.
    /// </summary>
    /// <exception cref="ArgumentException">The options are not valid (<see cref="ClusterOptions.Validate"/>).</exception>
    /// <exception cref="InvalidDataException">The Raft state is damaged or lost; the message names the file.</exception>
    /// <exception cref="IOException">The Raft state cannot be read or written.</exception>
    /// <exception cref="System.Net.Sockets.SocketException">The Raft endpoint cannot be bound.</exception>
    public static async Task<FailoverCoordinator> StartAsync(
        ClusterOptions options, long localEpoch, string? stateDirectory, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } error)
        {
            throw new ArgumentException(error, nameof(options));
        }
        var self = ClusterOptions.ToEndPoint(options.Node);
        var members = new List<IPEndPoint> { self };
        foreach (var peer in options.Peers)
        {
            members.Add(ClusterOptions.ToEndPoint(peer));
        }
        var configuration = new RaftCluster.TcpConfiguration(self)
        {
            ConfigurationStorage = new StaticMembership(members),
            LowerElectionTimeout = options.LowerElectionTimeoutMs,
            UpperElectionTimeout = options.UpperElectionTimeoutMs,
            RequestTimeout = TimeSpan.FromMilliseconds(options.LowerElectionTimeoutMs),
            ConnectTimeout = TimeSpan.FromMilliseconds(options.LowerElectionTimeoutMs),
            TransmissionBlockSize = 4096,
            ColdStart = false,
            IsLeaderLeaseEnabled = true, // HoldsLease: writes are fenced by the lease, checked against the monotonic clock at each call
        };
        configuration.Metadata[ClusterOptions.ProtocolAddressKey] = options.Advertise;

        IPersistentState state;
        IAsyncDisposable? owned = null;
        if (stateDirectory is null)
        {
            state = new ConsensusOnlyState();
            if (localEpoch > 0)
            {
                await state.UpdateTermAsync(localEpoch, resetLastVote: true, cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            var persistent = await RaftStateStore.OpenAsync(stateDirectory, localEpoch, cancellationToken).ConfigureAwait(false);
            log.WriteLine($"agentdb: failover: Raft state {stateDirectory}: term {((IPersistentState)persistent).Term}");
            state = persistent;
            owned = persistent;
        }
        var cluster = new RaftCluster(configuration) { AuditTrail = state };
        var coordinator = new FailoverCoordinator(options, cluster, log, owned, stateDirectory);
        cluster.LeaderChanged += coordinator.OnLeaderChanged;
        coordinator._pauseTicker.Start();
        try
        {
            await cluster.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            coordinator._stopped = true;
            await cluster.DisposeAsync().ConfigureAwait(false);
            if (owned is not null)
            {
                await owned.DisposeAsync().ConfigureAwait(false);
            }
            throw;
        }
        coordinator._worker = Task.Run(coordinator.RunAsync);
        return coordinator;
    }

    /// <summary>The current Raft term.</summary>
    public long Term => _cluster.Term;

    /// <summary>The epoch this node is primary of, 0 when it is not the primary.</summary>
    public long PrimaryEpoch => Interlocked.Read(ref _primaryEpoch);

    /// <summary>The protocol address of the current leader (this node's own when it leads), null while none is known.</summary>
    public string? LeaderAddress => Volatile.Read(ref _leaderAddress);

    /// <summary>This node's own protocol address (as advertised to the others).</summary>
    public string SelfAddress => _options.Advertise;

    /// <summary>True while the local Raft member is the leader.</summary>
    public bool IsLeader => _cluster.Leader is { IsRemote: false };

    /// <summary>Times this node won an election but handed leadership over to a member with a further log.</summary>
    public long Handovers => Interlocked.Read(ref _handovers);

    /// <summary>Times this process was seen paused (<see cref="PauseDetector"/>).</summary>
    public long Pauses => _pauses.Pauses;

    /// <summary>
    /// True when this node may acknowledge a write of <paramref name="epoch"/>: it is the Raft leader, its leader lease
    /// (a majority heard from it within the lease time) is valid, the Raft term has not moved past the epoch, and this
    /// process was not just paused (<see cref="PauseDetector"/>, on the monotonic clock at the time of the call: DotNext's
    /// lease token is cancelled by a timer that a resumed process may not have run yet).
    /// </summary>
    public bool HoldsLease(long epoch)
    {
        if (epoch == 0 || epoch != PrimaryEpoch || _cluster.Term != epoch)
        {
            return false;
        }
        return _cluster.TryGetLeaseToken(out var lease) && !lease.IsCancellationRequested && !_pauses.IsPaused(Stopwatch.GetTimestamp());
    }

    /// <summary>Connects the server's replication (replacing any earlier host) and tells it where things stand.</summary>
    public void Attach(IFailoverHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        lock (_gate)
        {
            _host = host;
            Interlocked.Exchange(ref _primaryEpoch, 0);
        }
        _changes.Writer.TryWrite(true);
    }

    /// <summary>Disconnects <paramref name="host"/> (an engine restart): nothing is sent to it any more.</summary>
    public void Detach(IFailoverHost host)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_host, host))
            {
                _host = null;
                Interlocked.Exchange(ref _primaryEpoch, 0);
            }
        }
    }

    /// <summary>Stops the Raft member (leadership ends; the others elect a new leader).</summary>
    public async ValueTask DisposeAsync()
    {
        _stopped = true;
        if (_pauseTicker.IsAlive)
        {
            _pauseTicker.Join();
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        _changes.Writer.TryComplete();
        if (_worker is not null)
        {
            await _worker.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        _cluster.LeaderChanged -= OnLeaderChanged;
        try
        {
            await _cluster.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException)
        {
        }
        await _cluster.DisposeAsync().ConfigureAwait(false);
        if (_state is not null)
        {
            await _state.DisposeAsync().ConfigureAwait(false);
        }
        _stop.Dispose();
    }

    /// <summary>The pause ticker: a dedicated thread (the thread pool may be starved exactly when it matters), every 10 ms.</summary>
    private void TickPauses()
    {
        // Bounded by the coordinator's life.
        while (!_stopped)
        {
            var pause = _pauses.Observe(Stopwatch.GetTimestamp());
            if (pause > TimeSpan.Zero && PrimaryEpoch != 0)
            {
                _log.WriteLine($"agentdb: warning: failover: this process did not run for {pause.TotalMilliseconds:0} ms; writes are refused for {_options.UpperElectionTimeoutMs} ms while the lease is re-established");
            }
            Thread.Sleep(10);
        }
    }

    private void OnLeaderChanged(ICluster cluster, IClusterMember? leader) => _changes.Writer.TryWrite(true);

    /// <summary>One change at a time: the host's calls never overlap. A periodic pass catches a missed change and ends a standby.</summary>
    private async Task RunAsync()
    {
        var stop = _stop.Token;
        long seenTerm = -1;
        EndPoint? seenLeader = null;
        long loggedTerm = -1;
        EndPoint? loggedLeader = null;
        long attachedHost = 0;
        long floorCandidate = -1;
        long floorRecorded = -1;
        // Bounded by the coordinator's life: each pass waits for a change or 50 ms.
        while (!stop.IsCancellationRequested)
        {
            using (var tick = CancellationTokenSource.CreateLinkedTokenSource(stop))
            {
                tick.CancelAfter(50);
                try
                {
                    await _changes.Reader.WaitToReadAsync(tick.Token).ConfigureAwait(false);
                    _changes.Reader.TryRead(out _);
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                {
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            try
            {
                RecordTermFloor(ref floorCandidate, ref floorRecorded);
                await EndStandbyIfDueAsync(stop).ConfigureAwait(false);
                IFailoverHost? host;
                lock (_gate)
                {
                    host = _host;
                }
                if (host is null)
                {
                    continue;
                }
                var leader = _cluster.Leader;
                var term = _cluster.Term;
                var hostId = System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(host);
                if (leader?.EndPoint == seenLeader && term == seenTerm && hostId == attachedHost && (leader is null || leader.IsRemote || PrimaryEpoch == term))
                {
                    continue; // nothing changed
                }
                if (leader?.EndPoint != loggedLeader || term != loggedTerm)
                {
                    loggedLeader = leader?.EndPoint;
                    loggedTerm = term;
                    _log.WriteLine($"agentdb: failover: term {term}, leader {(leader is null ? "none" : leader.IsRemote ? leader.EndPoint.ToString() : "this node")}");
                }
                seenLeader = leader?.EndPoint;
                seenTerm = term;
                attachedHost = hostId;
                if (leader is null)
                {
                    // A follower between two heartbeats may see no leader for a moment: within the same term the last
                    // leader is still the best hint for clients (it is the only one the term can have); a new term clears it.
                    if (term != Interlocked.Read(ref _leaderTerm) || PrimaryEpoch != 0)
                    {
                        Volatile.Write(ref _leaderAddress, null);
                    }
                    if (PrimaryEpoch != 0)
                    {
                        _log.WriteLine($"agentdb: warning: failover: leadership of term {PrimaryEpoch} lost (term now {term}); no longer primary");
                        Interlocked.Exchange(ref _primaryEpoch, 0);
                        host.Follow(null, term);
                    }
                    continue;
                }
                if (leader.IsRemote)
                {
                    var address = await AddressOfAsync(leader, stop).ConfigureAwait(false);
                    if (address is null)
                    {
                        seenTerm = -1; // its metadata could not be read yet (just restarted, connection not up): retry on the next pass
                        continue;
                    }
                    Volatile.Write(ref _leaderAddress, address);
                    Interlocked.Exchange(ref _leaderTerm, term);
                    if (PrimaryEpoch != 0)
                    {
                        _log.WriteLine($"agentdb: warning: failover: term {PrimaryEpoch} ended; {address} leads term {term}; this node follows it");
                    }
                    Interlocked.Exchange(ref _primaryEpoch, 0);
                    host.Follow(address, term);
                    await EndStandbyAsync(stop).ConfigureAwait(false);
                    continue;
                }
                await LeadAsync(host, term, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _log.WriteLine($"agentdb: warning: failover: {e.GetType().Name}: {e.Message}");
                seenTerm = -1; // try again on the next pass
            }
        }
    }

    /// <summary>This node leads term <paramref name="term"/>: become primary when no reachable member is further, else hand over.</summary>
    private async Task LeadAsync(IFailoverHost host, long term, CancellationToken stop)
    {
        var leadership = _cluster.LeadershipToken;
        if (leadership.IsCancellationRequested)
        {
            return;
        }
        Volatile.Write(ref _leaderAddress, _options.Advertise);
        Interlocked.Exchange(ref _leaderTerm, term);
        var local = host.LocalPosition;
        var (best, bestAddress) = await ProbePeersAsync(host, stop).ConfigureAwait(false);
        if (best > local)
        {
            Interlocked.Increment(ref _handovers);
            _log.WriteLine($"agentdb: warning: failover: elected for term {term} but {bestAddress} is further ({best} > {local}); handing leadership over");
            Volatile.Write(ref _leaderAddress, null);
            host.Follow(null, term);
            await ((ICluster)_cluster).ResignAsync(stop).ConfigureAwait(false);
            if (await _cluster.EnableStandbyModeAsync(stop).ConfigureAwait(false))
            {
                Interlocked.Exchange(ref _standbyUntil, Environment.TickCount64 + (4L * _options.UpperElectionTimeoutMs));
            }
            return;
        }
        if (leadership.IsCancellationRequested)
        {
            return;
        }
        try
        {
            await host.PromoteAsync(term, leadership).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not ObjectDisposedException)
        {
            // This node cannot be the primary of the term (e.g. its log already holds a later epoch): let another lead.
            _log.WriteLine($"agentdb: warning: failover: cannot become the primary of epoch {term}: {e.Message}; resigning");
            Volatile.Write(ref _leaderAddress, null);
            await ((ICluster)_cluster).ResignAsync(stop).ConfigureAwait(false);
            return;
        }
        if (!leadership.IsCancellationRequested && _cluster.Term == term)
        {
            Interlocked.Exchange(ref _primaryEpoch, term);
            _log.WriteLine($"agentdb: failover: primary for epoch {term} (no reachable member's log was further than this node's: {local})");
        }
    }

    private async Task<(LogPosition Best, string? Address)> ProbePeersAsync(IFailoverHost host, CancellationToken stop)
    {
        var probes = new List<(string Address, Task<LogPosition?> Position)>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(s_probeTimeout);
        foreach (var member in _cluster.Members)
        {
            if (!member.IsRemote)
            {
                continue;
            }
            var address = await AddressOfAsync(member, timeout.Token).ConfigureAwait(false);
            if (address is not null)
            {
                probes.Add((address, host.ProbeAsync(address, timeout.Token).AsTask()));
            }
        }
        LogPosition best = default;
        string? bestAddress = null;
        foreach (var (address, probe) in probes)
        {
            LogPosition? position;
            try
            {
                position = await probe.ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                position = null; // unreachable: not counted
            }
            if (position is { } found && (bestAddress is null || found > best))
            {
                best = found;
                bestAddress = address;
            }
        }
        return (best, bestAddress);
    }

    /// <summary>A member's protocol address from its Raft metadata (cached; null when it cannot be read now).</summary>
    private async Task<string?> AddressOfAsync(IRaftClusterMember member, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_addresses.TryGetValue(member.EndPoint, out var known))
            {
                return known;
            }
        }
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromMilliseconds(4L * _options.UpperElectionTimeoutMs));
            var metadata = await member.GetMetadataAsync(refresh: false, timeout.Token).ConfigureAwait(false);
            if (metadata.TryGetValue(ClusterOptions.ProtocolAddressKey, out var address))
            {
                lock (_gate)
                {
                    _addresses[member.EndPoint] = address;
                }
                return address;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
        {
            // unreachable now (or too slow): the caller tries again later
        }
        return null;
    }

    /// <summary>
    /// Raises the on-disk term floor (<see cref="RaftStateStore.RecordTerm"/>) to a term seen on two passes in a row, so
    /// DotNext has flushed it (its write-through write ends before its call returns) before the floor names it.
    /// </summary>
    private void RecordTermFloor(ref long candidate, ref long recorded)
    {
        if (_stateDirectory is null)
        {
            return;
        }
        var term = _cluster.Term;
        if (term > recorded && term == candidate)
        {
            try
            {
                RaftStateStore.RecordTerm(_stateDirectory, term);
                recorded = term;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _log.WriteLine($"agentdb: warning: failover: cannot record the Raft term floor in {_stateDirectory}: {e.Message}");
            }
        }
        candidate = term;
    }

    private async Task EndStandbyIfDueAsync(CancellationToken stop)
    {
        var until = Interlocked.Read(ref _standbyUntil);
        if (until != 0 && Environment.TickCount64 >= until)
        {
            await EndStandbyAsync(stop).ConfigureAwait(false);
        }
    }

    private async Task EndStandbyAsync(CancellationToken stop)
    {
        if (Interlocked.Exchange(ref _standbyUntil, 0) != 0)
        {
            await _cluster.RevertToNormalModeAsync(stop).ConfigureAwait(false);
        }
    }
}
