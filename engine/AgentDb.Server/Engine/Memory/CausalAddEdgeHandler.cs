using AgentDb.Memory;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Engine.Memory;

/// <summary>CAUSAL_ADD_EDGE: adds or updates the edge (from, to, mechanism); answers its id.</summary>
internal sealed class CausalAddEdgeHandler(AgentMemory memory) : MemoryOperation<CausalAddEdgeRequest, MemoryIdResponse>(memory)
{
    protected override async ValueTask<MemoryIdResponse> ExecuteAsync(CausalAddEdgeRequest message, CancellationToken cancellationToken)
    {
        var id = await Memory.Causal.AddEdgeAsync(
            message.From, message.To, message.Mechanism, message.Uplift, message.Confidence, message.SampleSize, message.EvidenceIds,
            cancellationToken).ConfigureAwait(false);
        return new MemoryIdResponse(id);
    }
}
