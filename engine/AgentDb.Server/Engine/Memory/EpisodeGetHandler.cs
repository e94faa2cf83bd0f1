using AgentDb.Memory;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Engine.Memory;

/// <summary>EPISODE_GET: one episode from whichever shard holds it; NOT_FOUND when none does.</summary>
internal sealed class EpisodeGetHandler(AgentMemory memory) : MemoryOperation<MemoryIdRequest, EpisodeResponse>(memory)
{
    protected override ValueTask<EpisodeResponse> ExecuteAsync(MemoryIdRequest message, CancellationToken cancellationToken)
    {
        var episode = Memory.Reflexion.GetEpisode(message.Id) ?? throw new KeyNotFoundException($"episode '{message.Id}' does not exist");
        return ValueTask.FromResult(new EpisodeResponse(MemoryConversions.ToWire(episode)));
    }
}
