using AgentDb.Memory;
using AgentDb.Memory.Causal;
using AgentDb.Memory.Graph;
using AgentDb.Memory.Reflexion;
using AgentDb.Memory.Skills;

namespace AgentDb.Simulation.Targets;

/// <summary>
/// A simulation's memory in process: an <see cref="AgentMemory"/> opened on a directory (no server, no network). The
/// synchronous embedded calls complete before the returned task does; durability is the database's (group commit by
/// default).
/// </summary>
public sealed class EmbeddedMemoryTarget : IMemoryTarget
{
    private readonly AgentMemory _memory;
    private readonly bool _ownsMemory;

    /// <summary>Wraps an open memory. When <paramref name="ownsMemory"/> is true, disposing the target closes it.</summary>
    public EmbeddedMemoryTarget(AgentMemory memory, bool ownsMemory)
    {
        ArgumentNullException.ThrowIfNull(memory);
        _memory = memory;
        _ownsMemory = ownsMemory;
    }

    /// <summary>Opens (or creates) a memory at <paramref name="path"/> with <paramref name="options"/> and owns it.</summary>
    public static EmbeddedMemoryTarget Open(string path, AgentMemoryOptions options) => new(AgentMemory.Open(path, options), ownsMemory: true);

    /// <summary>The memory this target writes to.</summary>
    public AgentMemory Memory => _memory;

    /// <inheritdoc />
    public string Name => "embedded";

    /// <inheritdoc />
    public int Dimension => _memory.Embedder.Dimension;

    /// <inheritdoc />
    public ValueTask<string> StoreEpisodeAsync(Episode episode, CancellationToken cancellationToken = default) =>
        _memory.Reflexion.StoreEpisodeAsync(episode, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> StoreEpisodesAsync(IReadOnlyList<Episode> episodes, CancellationToken cancellationToken = default) =>
        _memory.Reflexion.StoreEpisodesAsync(episodes, cancellationToken);

    /// <inheritdoc />
    public ValueTask<Episode?> GetEpisodeAsync(string id, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_memory.Reflexion.GetEpisode(id));

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<EpisodeMatch>> RetrieveRelevantAsync(
        ReadOnlyMemory<float> vector, EpisodeRetrievalOptions options, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_memory.Reflexion.RetrieveRelevant(vector, options).Matches);

    /// <inheritdoc />
    public ValueTask<TaskStats> GetTaskStatsAsync(string task, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_memory.Reflexion.GetTaskStats(task));

    /// <inheritdoc />
    public ValueTask UpsertSkillAsync(Skill skill, CancellationToken cancellationToken = default) =>
        _memory.Skills.UpsertSkillAsync(skill, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SkillMatch>> SearchSkillsAsync(
        ReadOnlyMemory<float> vector, SkillSearchOptions options, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_memory.Skills.SearchSkills(vector, options).Matches);

    /// <inheritdoc />
    public ValueTask<Skill> RecordSkillUseAsync(string name, bool success, double reward, long latencyMs, CancellationToken cancellationToken = default) =>
        _memory.Skills.RecordUseAsync(name, success, reward, latencyMs, cancellationToken);

    /// <inheritdoc />
    public ValueTask<string> AddCausalEdgeAsync(
        string from, string to, string? mechanism, double uplift, double confidence, CancellationToken cancellationToken = default) =>
        _memory.Causal.AddEdgeAsync(from, to, mechanism, uplift, confidence, cancellationToken: cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<CausalEdge>> QueryEffectsAsync(
        string interventionId, CausalEdgeQueryOptions options, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_memory.Causal.QueryEffects(interventionId, options).Edges);

    /// <inheritdoc />
    public ValueTask<string> AddNodeAsync(GraphNodeInput node, CancellationToken cancellationToken = default) =>
        _memory.Graph.AddNodeAsync(node, cancellationToken);

    /// <inheritdoc />
    public ValueTask<string> AddEdgeAsync(GraphEdgeInput edge, CancellationToken cancellationToken = default) =>
        _memory.Graph.AddEdgeAsync(edge, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<GraphNeighbor>> NeighborsAsync(
        string nodeId, GraphDirection direction, int limit, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_memory.Graph.Neighbors(nodeId, direction, null, limit));

    /// <inheritdoc />
    public ValueTask<long?> DiskBytesAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<long?>(DirectoryBytes(_memory.Stores.Path));

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (_ownsMemory)
        {
            _memory.Dispose();
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>The total size of the files under <paramref name="path"/> (0 when it does not exist).</summary>
    internal static long DirectoryBytes(string path)
    {
        if (!Directory.Exists(path))
        {
            return 0;
        }
        long total = 0;
        foreach (var file in new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            total += file.Length;
        }
        return total;
    }
}
