using AgentDb.Memory;
using AgentDb.Memory.Reflexion;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Engine.Memory;

/// <summary>EPISODE_CRITIQUES: the critiques of a task's n best and n worst episodes.</summary>
internal sealed class EpisodeCritiquesHandler(AgentMemory memory) : MemoryOperation<EpisodeCritiquesRequest, EpisodeCritiquesResponse>(memory)
{
    protected override ValueTask<EpisodeCritiquesResponse> ExecuteAsync(EpisodeCritiquesRequest message, CancellationToken cancellationToken)
    {
        var summary = Memory.Reflexion.SummarizeCritiques(message.Task, message.N);
        return ValueTask.FromResult(new EpisodeCritiquesResponse(
            summary.Task, summary.Attempts, summary.Successes, summary.Failures, summary.WithCritique,
            ToWire(summary.Best), ToWire(summary.Worst)));
    }

    private static WireCritiqueEntry[] ToWire(IReadOnlyList<CritiqueEntry> entries)
    {
        var wire = new WireCritiqueEntry[entries.Count];
        for (var i = 0; i < wire.Length; i++)
        {
            var entry = entries[i];
            wire[i] = new WireCritiqueEntry(entry.EpisodeId, entry.Reward, entry.Success, entry.TimestampUnixMs, entry.Critique);
        }
        return wire;
    }
}
