using AgentDb.Memory;
using AgentDb.Memory.Reflexion;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Engine.Memory;

/// <summary>EPISODE_STORE: one episode, or many embedded in one batch; durable when answered.</summary>
internal sealed class EpisodeStoreHandler(AgentMemory memory) : MemoryOperation<EpisodeStoreRequest, MemoryIdListResponse>(memory)
{
    protected override async ValueTask<MemoryIdListResponse> ExecuteAsync(EpisodeStoreRequest message, CancellationToken cancellationToken)
    {
        if (message.Episodes.Count == 1)
        {
            var id = await Memory.Reflexion.StoreEpisodeAsync(MemoryConversions.ToEpisode(message.Episodes[0]), cancellationToken).ConfigureAwait(false);
            return new MemoryIdListResponse([id]);
        }
        var episodes = new Episode[message.Episodes.Count];
        for (var i = 0; i < episodes.Length; i++)
        {
            episodes[i] = MemoryConversions.ToEpisode(message.Episodes[i]);
        }
        var ids = await Memory.Reflexion.StoreEpisodesAsync(episodes, cancellationToken).ConfigureAwait(false);
        return new MemoryIdListResponse([.. ids]);
    }
}
