using AgentDb.Client;
using AgentDb.Memory.Causal;
using AgentDb.Memory.Graph;
using AgentDb.Memory.Reflexion;
using AgentDb.Memory.Skills;
using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Simulation.Targets;

/// <summary>
/// A simulation's memory on an <c>agentdb serve</c> process, reached through an <see cref="AgentDbClientPool"/> (several
/// pipelined connections, transient failures retried as the pool's policy says). Each call is one request
/// (docs/PROTOCOL.md section 12); the memory types are converted to their wire forms and back, so a scenario runs
/// unchanged against the embedded engine or a server. Writes are durable on the server when a call returns.
/// </summary>
public sealed class ServerMemoryTarget : IMemoryTarget
{
    private readonly AgentDbClientPool _pool;
    private readonly bool _ownsPool;

    /// <summary>Wraps a pool to a server whose memory takes vectors of <paramref name="dimension"/> floats. When
    /// <paramref name="ownsPool"/> is true, disposing the target disposes the pool.</summary>
    public ServerMemoryTarget(AgentDbClientPool pool, int dimension, bool ownsPool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        _pool = pool;
        _ownsPool = ownsPool;
        Dimension = dimension;
    }

    /// <summary>Connects <paramref name="connections"/> connections to <paramref name="host"/>:<paramref name="port"/>
    /// and reads the memory's dimension (MEMORY_STATS).</summary>
    /// <exception cref="AgentDbException">The server refused HELLO or MEMORY_STATS (a bad key, say).</exception>
    /// <exception cref="AgentDbConnectionException">No connection could be made.</exception>
    /// <exception cref="TimeoutException">Connecting took longer than the connect timeout.</exception>
    public static async Task<ServerMemoryTarget> ConnectAsync(
        string host, int port, string? apiKey, int connections, CancellationToken cancellationToken = default)
    {
        var pool = new AgentDbClientPool(host, port, apiKey, new AgentDbClientPoolOptions { Connections = connections });
        try
        {
            await pool.ConnectAsync(cancellationToken).ConfigureAwait(false);
            var stats = await pool.GetMemoryStatsAsync(cancellationToken).ConfigureAwait(false);
            return new ServerMemoryTarget(pool, stats.Dimension, ownsPool: true);
        }
        catch
        {
            await pool.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The pool requests go through.</summary>
    public AgentDbClientPool Pool => _pool;

    /// <inheritdoc />
    public string Name => $"server {_pool.Endpoint}";

    /// <inheritdoc />
    public int Dimension { get; }

    /// <inheritdoc />
    public async ValueTask<string> StoreEpisodeAsync(Episode episode, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(episode);
        var ids = await _pool.StoreEpisodesAsync([WireConversions.ToWire(episode)], cancellationToken).ConfigureAwait(false);
        return ids[0];
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> StoreEpisodesAsync(IReadOnlyList<Episode> episodes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        var wire = new WireEpisode[episodes.Count];
        for (var i = 0; i < wire.Length; i++)
        {
            wire[i] = WireConversions.ToWire(episodes[i]);
        }
        return await _pool.StoreEpisodesAsync(wire, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<Episode?> GetEpisodeAsync(string id, CancellationToken cancellationToken = default)
    {
        var episode = await _pool.GetEpisodeAsync(id, cancellationToken).ConfigureAwait(false);
        return episode is null ? null : WireConversions.ToEpisode(episode);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<EpisodeMatch>> RetrieveRelevantAsync(
        ReadOnlyMemory<float> vector, EpisodeRetrievalOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var request = new EpisodeRetrieveRequest(
            null, vector, options.K, options.MinReward, WireConversions.ToWire(options.Outcome), options.SessionId, options.FromUnixMs,
            options.ToUnixMs, options.WithCertificate);
        var response = await _pool.RetrieveRelevantAsync(request, cancellationToken).ConfigureAwait(false);
        var matches = new EpisodeMatch[response.Matches.Count];
        for (var i = 0; i < matches.Length; i++)
        {
            var match = response.Matches[i];
            matches[i] = new EpisodeMatch(WireConversions.ToEpisode(match.Episode), match.Distance, match.Shard);
        }
        return matches;
    }

    /// <inheritdoc />
    public async ValueTask<TaskStats> GetTaskStatsAsync(string task, CancellationToken cancellationToken = default) =>
        WireConversions.ToTaskStats(await _pool.GetTaskStatsAsync(task, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public async ValueTask UpsertSkillAsync(Skill skill, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(skill);
        await _pool.UpsertSkillAsync(WireConversions.ToWire(skill), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<SkillMatch>> SearchSkillsAsync(
        ReadOnlyMemory<float> vector, SkillSearchOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var response = await _pool.SearchSkillsAsync(
            new SkillSearchRequest(null, vector, options.K, options.MinSuccessRate, options.WithCertificate), cancellationToken).ConfigureAwait(false);
        var matches = new SkillMatch[response.Matches.Count];
        for (var i = 0; i < matches.Length; i++)
        {
            matches[i] = new SkillMatch(WireConversions.ToSkill(response.Matches[i].Skill), response.Matches[i].Distance);
        }
        return matches;
    }

    /// <inheritdoc />
    public async ValueTask<Skill> RecordSkillUseAsync(string name, bool success, double reward, long latencyMs, CancellationToken cancellationToken = default) =>
        WireConversions.ToSkill(await _pool.RecordSkillUseAsync(name, success, reward, latencyMs, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public async ValueTask<string> AddCausalEdgeAsync(
        string from, string to, string? mechanism, double uplift, double confidence, CancellationToken cancellationToken = default) =>
        await _pool.AddCausalEdgeAsync(from, to, mechanism, uplift, confidence, cancellationToken: cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<CausalEdge>> QueryEffectsAsync(
        string interventionId, CausalEdgeQueryOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var response = await _pool.QueryEffectsAsync(
            new CausalEdgeQueryRequest(interventionId, options.MinConfidence, options.MinUplift, options.Limit, options.WithCertificate),
            cancellationToken).ConfigureAwait(false);
        var edges = new CausalEdge[response.Edges.Count];
        for (var i = 0; i < edges.Length; i++)
        {
            edges[i] = WireConversions.ToCausalEdge(response.Edges[i]);
        }
        return edges;
    }

    /// <inheritdoc />
    public async ValueTask<string> AddNodeAsync(GraphNodeInput node, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        return await _pool.AddNodeAsync(WireConversions.ToWire(node), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<string> AddEdgeAsync(GraphEdgeInput edge, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(edge);
        return await _pool.AddEdgeAsync(WireConversions.ToWire(edge), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<GraphNeighbor>> NeighborsAsync(
        string nodeId, GraphDirection direction, int limit, CancellationToken cancellationToken = default)
    {
        var response = await _pool.NeighborsAsync(nodeId, WireConversions.ToWire(direction), null, limit, cancellationToken).ConfigureAwait(false);
        var neighbors = new GraphNeighbor[response.Count];
        for (var i = 0; i < neighbors.Length; i++)
        {
            neighbors[i] = WireConversions.ToNeighbor(response[i]);
        }
        return neighbors;
    }

    /// <inheritdoc />
    /// <remarks>The server's MEMORY_STATS "disk.bytes" (its memory stores only, not its data-operation database).</remarks>
    public async ValueTask<long?> DiskBytesAsync(CancellationToken cancellationToken = default)
    {
        var stats = await _pool.GetMemoryStatsAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (name, value) in stats.Values)
        {
            if (name == "disk.bytes")
            {
                return value;
            }
        }
        return null;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_ownsPool)
        {
            await _pool.DisposeAsync().ConfigureAwait(false);
        }
    }
}
