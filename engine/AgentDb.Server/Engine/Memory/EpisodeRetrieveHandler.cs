using AgentDb.Memory;
using AgentDb.Memory.Reflexion;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Engine.Memory;

/// <summary>EPISODE_RETRIEVE: the episodes nearest a task text (embedded here) or vector, filtered, nearest first.</summary>
internal sealed class EpisodeRetrieveHandler(AgentMemory memory) : MemoryOperation<EpisodeRetrieveRequest, EpisodeRetrieveResponse>(memory)
{
    protected override ValueTask<EpisodeRetrieveResponse> ExecuteAsync(EpisodeRetrieveRequest message, CancellationToken cancellationToken)
    {
        var options = new EpisodeRetrievalOptions
        {
            K = message.K,
            MinReward = message.MinReward,
            Outcome = MemoryConversions.ToOutcome(message.Outcome),
            SessionId = message.SessionId,
            FromUnixMs = message.FromUnixMs,
            ToUnixMs = message.ToUnixMs,
            WithCertificate = message.WithCertificate,
        };
        var retrieval = message.Task is { } task
            ? Memory.Reflexion.RetrieveRelevant(task, options)
            : Memory.Reflexion.RetrieveRelevant(message.Vector, options);
        var matches = new WireEpisodeMatch[retrieval.Matches.Count];
        for (var i = 0; i < matches.Length; i++)
        {
            var match = retrieval.Matches[i];
            matches[i] = new WireEpisodeMatch(MemoryConversions.ToWire(match.Episode), match.Distance, match.Shard);
        }
        return ValueTask.FromResult(new EpisodeRetrieveResponse(matches, MemoryConversions.ToWire(retrieval.Certificate)));
    }
}
