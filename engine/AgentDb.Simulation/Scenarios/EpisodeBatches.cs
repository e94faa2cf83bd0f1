using AgentDb.Memory.Reflexion;

namespace AgentDb.Simulation.Scenarios;

/// <summary>Batched episode writes for <see cref="SimulationOptions.Optimize"/>: one StoreEpisodes call per
/// <see cref="MaxBatch"/> episodes (the protocol takes at most 10,000 per request), each counted as that many operations.</summary>
public static class EpisodeBatches
{
    /// <summary>The most episodes one call stores.</summary>
    public const int MaxBatch = 1_000;

    /// <summary>Stores <paramref name="episodes"/> in calls of at most <see cref="MaxBatch"/>, measured under
    /// <paramref name="operation"/>.</summary>
    /// <returns>The ids, in input order.</returns>
    public static async Task<IReadOnlyList<string>> StoreAsync(
        ScenarioContext context, string operation, IReadOnlyList<Episode> episodes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(episodes);
        var ids = new List<string>(episodes.Count);
        for (int start = 0; start < episodes.Count; start += MaxBatch)
        {
            int count = Math.Min(MaxBatch, episodes.Count - start);
            IReadOnlyList<Episode> chunk = count == episodes.Count ? episodes : Slice(episodes, start, count);
            ids.AddRange(await context.MeasureAsync(operation, count, () => context.Memory.StoreEpisodesAsync(chunk, cancellationToken)).ConfigureAwait(false));
        }
        return ids;
    }

    private static Episode[] Slice(IReadOnlyList<Episode> episodes, int start, int count)
    {
        var chunk = new Episode[count];
        for (int i = 0; i < count; i++)
        {
            chunk[i] = episodes[start + i];
        }
        return chunk;
    }
}
