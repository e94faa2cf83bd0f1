using System.Security.Cryptography;
using System.Text;
using AgentDb.Server.Engine;
using AgentDb.Server.Network.Handlers;
using AgentDb.Wire.Frames;

namespace AgentDb.Server.Replication;

/// <summary>
/// Plugs replication into <c>serve</c>: on a primary, the REPL_SUBSCRIBE/REPL_ACK handlers over a
/// <see cref="ReplicationSource"/> (and, in <c>sync</c> mode, write handlers that wait for replicas); on a replica, a
/// <see cref="ReplicaFollower"/> and write handlers that answer NOT_PRIMARY. Also the figures for /metrics and STATS.
/// </summary>
internal sealed class ReplicationNode : IAsyncDisposable
{
    private static readonly Opcode[] s_writes = [Opcode.CollectionCreate, Opcode.CollectionDrop, Opcode.Upsert, Opcode.Delete, Opcode.Batch];

    /// <summary>A primary's snapshots for replicas, inside its data directory.</summary>
    public const string SnapshotDirectoryName = "snapshots";

    private readonly ReplicationSource? _source;
    private readonly ReplicaFollower? _follower;
    private readonly ClusterMember? _member;

    private ReplicationNode(ReplicationSource? source, ReplicaFollower? follower, ClusterMember? member = null)
    {
        _source = source;
        _follower = follower;
        _member = member;
    }

    /// <summary>
    /// Registers the handlers of a failover cluster member (<c>--cluster-node</c>): writes and the replication opcodes
    /// are served while <paramref name="coordinator"/> made this node the primary, else answered NOT_PRIMARY naming the
    /// leader. <paramref name="database"/> must be opened as a replica. <paramref name="memoryReplicated"/>: the agent
    /// memory lives in <paramref name="database"/> (its writes wait for replicas as the database's do); false for the
    /// separate memory directory of an earlier version, taken by the primary only.
    /// </summary>
    public static ReplicationNode ConfigureCluster(
        RequestHandlerRegistry registry, AgentDatabase database, bool memoryReplicated, ReplicationSettings settings, Failover.FailoverCoordinator coordinator, string dataDirectory,
        int maxFrameBytes, TextWriter log, Action requestRestart)
    {
        var member = new ClusterMember(database, settings, coordinator, dataDirectory, maxFrameBytes, log, requestRestart);
        foreach (var opcode in s_writes)
        {
            var inner = registry.Resolve(opcode, out var execution);
            registry.Register(opcode, new ClusterWriteGate(inner, member), execution);
        }
        foreach (var opcode in MemoryOpcodes.All)
        {
            if (MemoryOpcodes.IsWrite(opcode))
            {
                var inner = registry.Resolve(opcode, out var execution);
                registry.Register(opcode, new ClusterWriteGate(inner, member, replicated: memoryReplicated), execution);
            }
        }
        WrapReads(registry, database, settings);
        registry.Register(Opcode.ReplSubscribe, new ClusterSubscribeGate(member))
            .Register(Opcode.ReplAck, new ClusterReplicationGate(member, Opcode.ReplAck))
            .Register(Opcode.ReplSnapshot, new ClusterReplicationGate(member, Opcode.ReplSnapshot), HandlerExecution.ThreadPool)
            .Register(Opcode.ReplSnapshotRead, new ClusterReplicationGate(member, Opcode.ReplSnapshotRead), HandlerExecution.ThreadPool);
        registry.Register(Opcode.Stats, new StatsHandler(database, member.Stats), HandlerExecution.ThreadPool);
        return new ReplicationNode(null, null, member);
    }

    /// <summary>The /ready detail of a cluster member (role, epoch, leader, lag); null outside a cluster.</summary>
    public string? ReadyText() => _member?.ReadyText();

    /// <summary>
    /// Registers the replication handlers (and wraps the write handlers) for <paramref name="database"/>'s role.
    /// <paramref name="memoryReplicated"/>: the agent memory lives in <paramref name="database"/> (in <c>sync</c> mode
    /// its writes wait for replicas too); false for the separate memory directory of an earlier version.
    /// </summary>
    public static ReplicationNode Configure(
        RequestHandlerRegistry registry, AgentDatabase database, bool memoryReplicated, ReplicationSettings settings, string dataDirectory, int maxFrameBytes, TextWriter log,
        Action requestRestart)
    {
        ReplicationNode node;
        if (settings.IsReplica)
        {
            var primary = settings.ReplicaOf!;
            var follower = new ReplicaFollower(database, settings, settings.ReplicaId ?? DefaultReplicaId(dataDirectory), dataDirectory, log, requestRestart,
                snapshotFirst: ReplicaRepair.IsResyncRequired(dataDirectory));
            foreach (var opcode in s_writes)
            {
                var inner = registry.Resolve(opcode, out var execution);
                registry.Register(opcode, new NotPrimaryGuard(inner, database, primary), execution);
            }
            // A replica refuses the agent memory's writes too, so they go to the primary.
            foreach (var opcode in MemoryOpcodes.All)
            {
                if (MemoryOpcodes.IsWrite(opcode))
                {
                    var inner = registry.Resolve(opcode, out var execution);
                    registry.Register(opcode, new NotPrimaryGuard(inner, database, primary), execution);
                }
            }
            var refuse = new NotPrimaryGuard(registry.Resolve(Opcode.ReplSubscribe), database, primary);
            registry.Register(Opcode.ReplSubscribe, refuse).Register(Opcode.ReplAck, refuse)
                .Register(Opcode.ReplSnapshot, refuse).Register(Opcode.ReplSnapshotRead, refuse);
            node = new ReplicationNode(null, follower);
        }
        else
        {
            var source = new ReplicationSource(database, maxFrameBytes, Path.Combine(dataDirectory, SnapshotDirectoryName));
            registry.Register(Opcode.ReplSubscribe, new ReplSubscribeHandler(source)).Register(Opcode.ReplAck, new ReplAckHandler(source))
                .Register(Opcode.ReplSnapshot, new ReplSnapshotHandler(source), HandlerExecution.ThreadPool)
                .Register(Opcode.ReplSnapshotRead, new ReplSnapshotReadHandler(source), HandlerExecution.ThreadPool);
            // Always wrapped: a request may ask for its own W even when the server's mode is async.
            foreach (var opcode in s_writes)
            {
                if (settings.SyncReplicas > 0 || WriteConcern.ReplicasField(opcode) >= 0)
                {
                    var inner = registry.Resolve(opcode, out var execution);
                    registry.Register(opcode, new SyncReplicationGate(inner, database, source, settings.SyncReplicas, settings.SyncTimeout), execution);
                }
            }
            // The agent memory's writes have no w of their own: they wait for the server's W in sync mode.
            if (memoryReplicated && settings.SyncReplicas > 0)
            {
                foreach (var opcode in MemoryOpcodes.All)
                {
                    if (MemoryOpcodes.IsWrite(opcode))
                    {
                        var inner = registry.Resolve(opcode, out var execution);
                        registry.Register(opcode, new SyncReplicationGate(inner, database, source, settings.SyncReplicas, settings.SyncTimeout), execution);
                    }
                }
            }
            node = new ReplicationNode(source, null);
        }
        WrapReads(registry, database, settings);
        registry.Register(Opcode.Stats, new StatsHandler(database, node.Stats), HandlerExecution.ThreadPool);
        return node;
    }

    /// <summary>GET and SEARCH wait for their <c>minLsn</c> (read-your-writes), on every role.</summary>
    private static void WrapReads(RequestHandlerRegistry registry, AgentDatabase database, ReplicationSettings settings)
    {
        var get = registry.Resolve(Opcode.Get, out var getExecution);
        registry.Register(Opcode.Get, new MinLsnGate(get, database, Wire.Messages.GetRequest.MinLsnField, settings.MinLsnWait), getExecution);
        var search = registry.Resolve(Opcode.Search, out var searchExecution);
        registry.Register(Opcode.Search, new MinLsnGate(search, database, Wire.Messages.SearchRequest.MinLsnField, settings.MinLsnWait), searchExecution);
    }

    /// <summary>A stable replica name: the machine and a digest of the data directory.</summary>
    public static string DefaultReplicaId(string dataDirectory)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(dataDirectory));
        var machine = new StringBuilder();
        foreach (var c in Environment.MachineName)
        {
            machine.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '-');
            if (machine.Length == 64)
            {
                break;
            }
        }
        return $"{machine}-{Convert.ToHexStringLower(digest, 0, 6)}";
    }

    /// <summary>True when the replica downloaded a snapshot and asked for the engine to restart and install it.</summary>
    public bool RestartRequested => _follower?.RestartRequested == true || _member?.RestartRequested == true;

    /// <summary>Starts following the primary (replica only), or joins the failover coordinator (cluster member).</summary>
    public void Start()
    {
        _follower?.Start();
        _member?.Coordinator.Attach(_member);
    }

    public void AppendMetrics(StringBuilder text)
    {
        _source?.AppendMetrics(text);
        _follower?.AppendMetrics(text);
        _member?.AppendMetrics(text);
        text.Append("# HELP agentdb_replication_corruption_repairs_total Times this process found its replica data corrupt and resynced it from a snapshot.\n")
            .Append("# TYPE agentdb_replication_corruption_repairs_total counter\nagentdb_replication_corruption_repairs_total ")
            .Append(ReplicaRepair.Repairs.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
    }

    public IReadOnlyList<KeyValuePair<string, long>> Stats()
    {
        if (_member is not null)
        {
            return _member.Stats(); // it counts the repairs itself
        }
        var values = new List<KeyValuePair<string, long>>(_follower?.Stats() ?? _source!.Stats())
        {
            new("replication.repairs", ReplicaRepair.Repairs),
        };
        return values;
    }

    public async ValueTask DisposeAsync()
    {
        if (_member is not null)
        {
            await _member.DisposeAsync().ConfigureAwait(false);
        }
        if (_follower is not null)
        {
            await _follower.DisposeAsync().ConfigureAwait(false);
        }
        _source?.Dispose();
    }
}
