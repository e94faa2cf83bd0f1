using System.Globalization;
using System.Text;
using AgentDb.Failover;
using AgentDb.Server.Network.Handlers;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Replication;

/// <summary>
/// A server in a failover cluster (<c>--cluster-node</c>): the <see cref="IFailoverHost"/> the
/// <see cref="FailoverCoordinator"/> drives. Its database is opened as a replica and promoted only when the coordinator
/// makes this node the primary of an epoch; then a <see cref="ReplicationSource"/> serves the other members and writes
/// are taken while <see cref="FailoverCoordinator.HoldsLease"/>. Otherwise a <see cref="ReplicaFollower"/> follows the
/// leader, fenced by the Raft term it was started for.
/// </summary>
internal sealed class ClusterMember : IFailoverHost, IAsyncDisposable
{
    private readonly AgentDatabase _database;
    private readonly ReplicationSettings _settings;
    private readonly FailoverCoordinator _coordinator;
    private readonly string _replicaId;
    private readonly string _dataDirectory;
    private readonly int _maxFrameBytes;
    private readonly TextWriter _log;
    private readonly Action _requestRestart;
    private readonly object _gate = new();
    private PrimaryState? _primary;
    private ReplicaFollower? _follower;
    private string? _followed;
    private long _followedTerm = -1;
    private volatile bool _restartRequested;
    private bool _disposed;

    public ClusterMember(
        AgentDatabase database, ReplicationSettings settings, FailoverCoordinator coordinator, string dataDirectory, int maxFrameBytes, TextWriter log,
        Action requestRestart)
    {
        _database = database;
        _settings = settings;
        _coordinator = coordinator;
        _dataDirectory = dataDirectory;
        _maxFrameBytes = maxFrameBytes;
        _log = log;
        _requestRestart = requestRestart;
        _replicaId = settings.ReplicaId ?? ReplicationNode.DefaultReplicaId(dataDirectory);
    }

    /// <summary>True when a follower downloaded a snapshot and asked for the engine restart that installs it.</summary>
    public bool RestartRequested => _restartRequested;

    /// <summary>The coordinator behind this member.</summary>
    public FailoverCoordinator Coordinator => _coordinator;

    /// <summary>The server's replication settings (W for <c>sync</c> writes).</summary>
    public ReplicationSettings Settings => _settings;

    /// <summary>The database served.</summary>
    public AgentDatabase Database => _database;

    public LogPosition LocalPosition => new(_database.CurrentEpoch, _database.LastLogLsn);

    /// <summary>The source serving replicas and the epoch, while this node is the primary and holds its lease; else null.</summary>
    public PrimaryState? WritablePrimary
    {
        get
        {
            var primary = Volatile.Read(ref _primary);
            return primary is not null && _coordinator.HoldsLease(primary.Epoch) ? primary : null;
        }
    }

    /// <summary>The source while this node is primary (lease or not): replicas may subscribe.</summary>
    public ReplicationSource? Source => Volatile.Read(ref _primary)?.Source;

    public async ValueTask<LogPosition?> ProbeAsync(string protocolAddress, CancellationToken cancellationToken)
    {
        var found = await ReplicaFollower.ProbeAsync(protocolAddress, _settings.Key, cancellationToken).ConfigureAwait(false);
        return found is { } position ? new LogPosition(position.Epoch, position.Lsn) : null;
    }

    public async ValueTask PromoteAsync(long epoch, CancellationToken leadership)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this); // an engine restart detached this member meanwhile
        }
        if (ReplicaRepair.IsResyncRequired(_dataDirectory))
        {
            throw new InvalidOperationException("this member's data was found corrupt and moved aside; it resyncs from a primary before it can be one");
        }
        await StopFollowerAsync().ConfigureAwait(false);
        _database.PromoteToPrimary();
        try
        {
            var lsn = _database.BeginEpoch(epoch);
            var source = new ReplicationSource(_database, _maxFrameBytes, Path.Combine(_dataDirectory, ReplicationNode.SnapshotDirectoryName));
            Volatile.Write(ref _primary, new PrimaryState(epoch, source));
            _log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"agentdb: failover: epoch {epoch} begins at LSN {lsn}; this node is the primary"));
        }
        catch
        {
            _database.DemoteToReplica();
            throw;
        }
    }

    public void Follow(string? leaderAddress, long term)
    {
        var primary = Interlocked.Exchange(ref _primary, null);
        if (primary is not null)
        {
            _database.DemoteToReplica();
            primary.Source.Dispose();
            _log.WriteLine($"agentdb: warning: failover: no longer the primary of epoch {primary.Epoch}; following {leaderAddress ?? "(no leader yet)"}");
        }
        lock (_gate)
        {
            if (_disposed || (leaderAddress == _followed && term == _followedTerm && _follower is not null))
            {
                return;
            }
        }
        StopFollowerAsync().AsTask().GetAwaiter().GetResult();
        if (leaderAddress is null)
        {
            return;
        }
        var follower = new ReplicaFollower(_database, _settings with { ReplicaOf = leaderAddress }, _replicaId, _dataDirectory, _log,
            () =>
            {
                _restartRequested = true;
                _requestRestart();
            },
            fence: () => _coordinator.Term == term, snapshotFirst: ReplicaRepair.IsResyncRequired(_dataDirectory));
        lock (_gate)
        {
            if (_disposed)
            {
                return; // never started: nothing to stop
            }
            _follower = follower;
            _followed = leaderAddress;
            _followedTerm = term;
            follower.Start();
            _log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"agentdb: failover: following {leaderAddress} (term {term}) from LSN {_database.LastLogLsn + 1}"));
        }
    }

    public void AppendMetrics(StringBuilder text)
    {
        var primary = Volatile.Read(ref _primary);
        Metric(text, "agentdb_cluster_primary", "1 while this node is the primary and holds its lease.", WritablePrimary is null ? 0 : 1);
        Metric(text, "agentdb_cluster_epoch", "The epoch of this node's last log entry (the primary's term that wrote it).", _database.CurrentEpoch);
        Metric(text, "agentdb_cluster_term", "The Raft term this node knows.", _coordinator.Term);
        Metric(text, "agentdb_cluster_handovers_total", "Elections this node won but handed over to a member with a further log.", _coordinator.Handovers);
        Metric(text, "agentdb_cluster_discarded_entries_total", "Log entries discarded because they diverged from a new primary.", ReplicaFollower.DiscardedEntries);
        text.Append("# HELP agentdb_cluster_leader The leader's protocol address (value 1; absent while none is known).\n# TYPE agentdb_cluster_leader gauge\n");
        if (_coordinator.LeaderAddress is { } leader)
        {
            text.Append("agentdb_cluster_leader{address=\"").Append(leader).Append("\"} 1\n");
        }
        if (primary is not null)
        {
            primary.Source.AppendMetrics(text);
        }
        else
        {
            CurrentFollower()?.AppendMetrics(text);
        }
    }

    public IReadOnlyList<KeyValuePair<string, long>> Stats()
    {
        var primary = Volatile.Read(ref _primary);
        var values = new List<KeyValuePair<string, long>>
        {
            new("cluster.epoch", _database.CurrentEpoch),
            new("cluster.term", _coordinator.Term),
            new("cluster.lsn.last", _database.LastLogLsn),
            new("cluster.primary", WritablePrimary is null ? 0 : 1),
            new("cluster.discarded", ReplicaFollower.DiscardedEntries),
            new("cluster.handovers", _coordinator.Handovers),
            new("replication.repairs", ReplicaRepair.Repairs),
            new("cluster.pauses", _coordinator.Pauses),
        };
        var extra = primary is not null ? primary.Source.Stats() : CurrentFollower()?.Stats();
        if (extra is not null)
        {
            values.AddRange(extra);
        }
        else
        {
            values.Add(new("replication.role", 1));
        }
        return values;
    }

    /// <summary>The /ready line: role, epoch, leader and lag.</summary>
    public string ReadyText()
    {
        var primary = WritablePrimary;
        long lag = 0;
        foreach (var (name, value) in Stats())
        {
            if (name == "replication.lag.lsn")
            {
                lag = value;
            }
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"role={(primary is null ? "replica" : "primary")} epoch={_database.CurrentEpoch} term={_coordinator.Term} leader={_coordinator.LeaderAddress ?? "none"} lag_lsn={lag}\n");
    }

    public async ValueTask DisposeAsync()
    {
        _coordinator.Detach(this);
        lock (_gate)
        {
            _disposed = true;
        }
        await StopFollowerAsync().ConfigureAwait(false);
        Interlocked.Exchange(ref _primary, null)?.Source.Dispose();
    }

    /// <summary>NOT_PRIMARY naming the leader (when one is known).</summary>
    public HandlerResult Refusal(string why)
    {
        var leader = _coordinator.LeaderAddress;
        if (leader is null || leader == _coordinator.SelfAddress)
        {
            return HandlerResult.Error(ErrorCode.NotPrimary, $"{why}; no primary is known yet, retry shortly");
        }
        return HandlerResult.Error(ErrorCode.NotPrimary, $"{why}; the primary is {leader}", leader);
    }

    private ReplicaFollower? CurrentFollower()
    {
        lock (_gate)
        {
            return _follower;
        }
    }

    private async ValueTask StopFollowerAsync()
    {
        ReplicaFollower? follower;
        lock (_gate)
        {
            follower = _follower;
            _follower = null;
            _followed = null;
            _followedTerm = -1;
        }
        if (follower is not null)
        {
            await follower.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static void Metric(StringBuilder text, string name, string help, long value) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" gauge\n")
            .Append(name).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');

    /// <summary>This node as the primary of <see cref="Epoch"/>, serving replicas through <see cref="Source"/>.</summary>
    internal sealed record PrimaryState(long Epoch, ReplicationSource Source);
}
