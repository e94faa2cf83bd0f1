using AgentDb.Memory.Causal;
using AgentDb.Memory.Graph;
using AgentDb.Memory.Reflexion;
using AgentDb.Memory.Skills;

namespace AgentDb.Simulation.Targets;

/// <summary>
/// Where a simulation keeps its agents' memory: the embedded engine (<see cref="EmbeddedMemoryTarget"/>) or a server
/// reached through the .NET client. The vocabulary is the embedded memory layer's (<see cref="Episode"/>,
/// <see cref="Skill"/>, …) so that a scenario is written once; a server target converts to and from the wire messages.
/// Every method is safe to call from many agents at once. Vectors are always supplied by the scenario (its own
/// deterministic embeddings of <see cref="Dimension"/> floats), so both targets store and retrieve the same data.
/// </summary>
public interface IMemoryTarget : IAsyncDisposable
{
    /// <summary>A short description for reports: "embedded" or "server 127.0.0.1:4433".</summary>
    string Name { get; }

    /// <summary>The dimension of every vector the memory accepts.</summary>
    int Dimension { get; }

    /// <summary>Stores one episode durably.</summary>
    /// <returns>The episode's id.</returns>
    ValueTask<string> StoreEpisodeAsync(Episode episode, CancellationToken cancellationToken = default);

    /// <summary>Stores several episodes as one batched write (atomic per store).</summary>
    /// <returns>The ids, in input order.</returns>
    ValueTask<IReadOnlyList<string>> StoreEpisodesAsync(IReadOnlyList<Episode> episodes, CancellationToken cancellationToken = default);

    /// <summary>One episode by id, or null when it does not exist.</summary>
    ValueTask<Episode?> GetEpisodeAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The episodes nearest to <paramref name="vector"/> that pass the options' filters, nearest first.</summary>
    ValueTask<IReadOnlyList<EpisodeMatch>> RetrieveRelevantAsync(
        ReadOnlyMemory<float> vector, EpisodeRetrievalOptions options, CancellationToken cancellationToken = default);

    /// <summary>Statistics over the episodes of one task.</summary>
    ValueTask<TaskStats> GetTaskStatsAsync(string task, CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces a skill by name.</summary>
    ValueTask UpsertSkillAsync(Skill skill, CancellationToken cancellationToken = default);

    /// <summary>The skills nearest to <paramref name="vector"/>, nearest first.</summary>
    ValueTask<IReadOnlyList<SkillMatch>> SearchSkillsAsync(
        ReadOnlyMemory<float> vector, SkillSearchOptions options, CancellationToken cancellationToken = default);

    /// <summary>Records one use of a skill and returns the skill with its updated statistics.</summary>
    ValueTask<Skill> RecordSkillUseAsync(string name, bool success, double reward, long latencyMs, CancellationToken cancellationToken = default);

    /// <summary>Adds or replaces a causal edge between two memories.</summary>
    /// <returns>The edge's id.</returns>
    ValueTask<string> AddCausalEdgeAsync(
        string from, string to, string? mechanism, double uplift, double confidence, CancellationToken cancellationToken = default);

    /// <summary>The causal edges out of <paramref name="interventionId"/> that pass the options' thresholds.</summary>
    ValueTask<IReadOnlyList<CausalEdge>> QueryEffectsAsync(
        string interventionId, CausalEdgeQueryOptions options, CancellationToken cancellationToken = default);

    /// <summary>Adds a graph node.</summary>
    /// <returns>The node's id.</returns>
    ValueTask<string> AddNodeAsync(GraphNodeInput node, CancellationToken cancellationToken = default);

    /// <summary>Adds a graph edge between two existing nodes.</summary>
    /// <returns>The edge's id.</returns>
    ValueTask<string> AddEdgeAsync(GraphEdgeInput edge, CancellationToken cancellationToken = default);

    /// <summary>The neighbours of a node over its edges in <paramref name="direction"/>.</summary>
    ValueTask<IReadOnlyList<GraphNeighbor>> NeighborsAsync(
        string nodeId, GraphDirection direction, int limit, CancellationToken cancellationToken = default);

    /// <summary>Bytes the memory occupies on disk now (for the embedded target, the size of its directory; for a server,
    /// what its statistics report, or null when it reports none).</summary>
    ValueTask<long?> DiskBytesAsync(CancellationToken cancellationToken = default);
}
