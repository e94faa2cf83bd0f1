using AgentDb.Client;
using AgentDb.Memory.Causal;
using AgentDb.Memory.Graph;
using AgentDb.Memory.Reflexion;
using AgentDb.Memory.Skills;
using AgentDb.Simulation.Targets;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Simulation.Stress;

/// <summary>
/// The stress workload's memory on a server: the episode operations (store, get, retrieve) over an
/// <see cref="AgentDbClientPool"/> of pipelined connections, converted to and from the wire messages. The other
/// operations of <see cref="IMemoryTarget"/> are not part of the stress workload and throw
/// <see cref="NotSupportedException"/> (the full server target is <c>agentdb simulate</c>'s).
/// </summary>
internal sealed class ClientPoolEpisodeTarget : IMemoryTarget
{
    private readonly AgentDbClientPool _pool;

    private ClientPoolEpisodeTarget(AgentDbClientPool pool, string name, int dimension)
    {
        _pool = pool;
        Name = name;
        Dimension = dimension;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <summary>Opens <paramref name="connections"/> connections to <paramref name="host"/>:<paramref name="port"/> and
    /// reads the memory's dimension from the server.</summary>
    /// <exception cref="AgentDbConnectionException">The server cannot be reached.</exception>
    public static async Task<ClientPoolEpisodeTarget> ConnectAsync(
        string host, int port, string? apiKey, int connections, CancellationToken cancellationToken)
    {
        var pool = new AgentDbClientPool(host, port, apiKey, new AgentDbClientPoolOptions { Connections = connections });
        try
        {
            await pool.ConnectAsync(cancellationToken).ConfigureAwait(false);
            var stats = await pool.SendAsync<Wire.Messages.EmptyMessage, MemoryStatsResponse>(
                Wire.Frames.Opcode.MemoryStats, Wire.Messages.EmptyMessage.Instance, cancellationToken).ConfigureAwait(false);
            return new ClientPoolEpisodeTarget(pool, $"server {pool.Endpoint}", stats.Dimension);
        }
        catch
        {
            await pool.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask<string> StoreEpisodeAsync(Episode episode, CancellationToken cancellationToken = default) =>
        (await StoreEpisodesAsync([episode], cancellationToken).ConfigureAwait(false))[0];

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> StoreEpisodesAsync(IReadOnlyList<Episode> episodes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        var wire = new WireEpisode[episodes.Count];
        for (var i = 0; i < wire.Length; i++)
        {
            wire[i] = ToWire(episodes[i]);
        }
        var response = await _pool.SendAsync<EpisodeStoreRequest, MemoryIdListResponse>(
            Wire.Frames.Opcode.EpisodeStore, new EpisodeStoreRequest(wire), cancellationToken).ConfigureAwait(false);
        var ids = new string[response.Ids.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = response.Ids[i] ?? throw new AgentDbConnectionException("the server sent a nil episode id");
        }
        return ids;
    }

    /// <inheritdoc />
    public async ValueTask<Episode?> GetEpisodeAsync(string id, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await _pool.SendAsync<MemoryIdRequest, EpisodeResponse>(
                Wire.Frames.Opcode.EpisodeGet, new MemoryIdRequest(id), cancellationToken).ConfigureAwait(false);
            return FromWire(response.Episode);
        }
        catch (AgentDbException e) when (e.Code == Wire.Messages.ErrorCode.NotFound)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<EpisodeMatch>> RetrieveRelevantAsync(
        ReadOnlyMemory<float> vector, EpisodeRetrievalOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var request = new EpisodeRetrieveRequest(
            null, vector, options.K, options.MinReward, (WireEpisodeOutcome)(int)options.Outcome, options.SessionId,
            options.FromUnixMs, options.ToUnixMs, options.WithCertificate);
        var response = await _pool.SendAsync<EpisodeRetrieveRequest, EpisodeRetrieveResponse>(
            Wire.Frames.Opcode.EpisodeRetrieve, request, cancellationToken).ConfigureAwait(false);
        var matches = new EpisodeMatch[response.Matches.Count];
        for (var i = 0; i < matches.Length; i++)
        {
            var match = response.Matches[i];
            matches[i] = new EpisodeMatch(FromWire(match.Episode), match.Distance, match.Shard);
        }
        return matches;
    }

    /// <inheritdoc />
    public ValueTask<TaskStats> GetTaskStatsAsync(string task, CancellationToken cancellationToken = default) => throw NotInWorkload();

    /// <inheritdoc />
    public ValueTask UpsertSkillAsync(Skill skill, CancellationToken cancellationToken = default) => throw NotInWorkload();

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SkillMatch>> SearchSkillsAsync(
        ReadOnlyMemory<float> vector, SkillSearchOptions options, CancellationToken cancellationToken = default) => throw NotInWorkload();

    /// <inheritdoc />
    public ValueTask<Skill> RecordSkillUseAsync(string name, bool success, double reward, long latencyMs, CancellationToken cancellationToken = default) =>
        throw NotInWorkload();

    /// <inheritdoc />
    public ValueTask<string> AddCausalEdgeAsync(
        string from, string to, string? mechanism, double uplift, double confidence, CancellationToken cancellationToken = default) =>
        throw NotInWorkload();

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<CausalEdge>> QueryEffectsAsync(
        string interventionId, CausalEdgeQueryOptions options, CancellationToken cancellationToken = default) => throw NotInWorkload();

    /// <inheritdoc />
    public ValueTask<string> AddNodeAsync(GraphNodeInput node, CancellationToken cancellationToken = default) => throw NotInWorkload();

    /// <inheritdoc />
    public ValueTask<string> AddEdgeAsync(GraphEdgeInput edge, CancellationToken cancellationToken = default) => throw NotInWorkload();

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<GraphNeighbor>> NeighborsAsync(
        string nodeId, GraphDirection direction, int limit, CancellationToken cancellationToken = default) => throw NotInWorkload();

    /// <inheritdoc />
    public ValueTask<long?> DiskBytesAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<long?>(null);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _pool.DisposeAsync();

    private static NotSupportedException NotInWorkload() =>
        new("the stress target serves the episode operations only; agentdb simulate's server target serves every operation");

    private static WireEpisode ToWire(Episode e) =>
        new(e.Id, e.SessionId, e.Task, e.Input, e.Output, e.Critique, e.Reward, e.Success, e.LatencyMs, e.TokensUsed, e.Tags,
            e.Metadata, e.TimestampUnixMs, e.Vector);

    private static Episode FromWire(WireEpisode e) => new()
    {
        Id = e.Id,
        SessionId = e.SessionId,
        Task = e.Task,
        Input = e.Input,
        Output = e.Output,
        Critique = e.Critique,
        Reward = e.Reward,
        Success = e.Success,
        LatencyMs = e.LatencyMs,
        TokensUsed = e.TokensUsed,
        Tags = e.Tags,
        Metadata = e.Metadata,
        TimestampUnixMs = e.TimestampUnixMs,
        Vector = e.Vector,
    };
}
