using AgentDb.Memory.Reflexion;
using AgentDb.Simulation.Targets;

namespace AgentDb.Simulation.Tests.Support;

/// <summary>A memory target for tests that never reach the memory: every operation throws.</summary>
internal sealed class NullMemoryTarget : IMemoryTarget
{
    public string Name => "null";
    public int Dimension => 1;
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    public ValueTask<string> StoreEpisodeAsync(Episode episode, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public ValueTask<IReadOnlyList<string>> StoreEpisodesAsync(IReadOnlyList<Episode> episodes, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public ValueTask<Episode?> GetEpisodeAsync(string id, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public ValueTask<IReadOnlyList<EpisodeMatch>> RetrieveRelevantAsync(ReadOnlyMemory<float> vector, EpisodeRetrievalOptions options, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public ValueTask<TaskStats> GetTaskStatsAsync(string task, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public ValueTask UpsertSkillAsync(AgentDb.Memory.Skills.Skill skill, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public ValueTask<IReadOnlyList<AgentDb.Memory.Skills.SkillMatch>> SearchSkillsAsync(ReadOnlyMemory<float> vector, AgentDb.Memory.Skills.SkillSearchOptions options, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public ValueTask<AgentDb.Memory.Skills.Skill> RecordSkillUseAsync(string name, bool success, double reward, long latencyMs, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public ValueTask<string> AddCausalEdgeAsync(string from, string to, string? mechanism, double uplift, double confidence, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public ValueTask<IReadOnlyList<AgentDb.Memory.Causal.CausalEdge>> QueryEffectsAsync(string interventionId, AgentDb.Memory.Causal.CausalEdgeQueryOptions options, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public ValueTask<string> AddNodeAsync(AgentDb.Memory.Graph.GraphNodeInput node, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public ValueTask<string> AddEdgeAsync(AgentDb.Memory.Graph.GraphEdgeInput edge, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public ValueTask<IReadOnlyList<AgentDb.Memory.Graph.GraphNeighbor>> NeighborsAsync(string nodeId, AgentDb.Memory.Graph.GraphDirection direction, int limit, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public ValueTask<long?> DiskBytesAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<long?>(null);
}
