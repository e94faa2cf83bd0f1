using AgentDb.Memory;
using AgentDb.Memory.Causal;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Engine.Memory;

/// <summary>CAUSAL_EFFECTS (<paramref name="effects"/>: edges leaving the memory) and CAUSAL_CAUSES (edges arriving),
/// strongest first.</summary>
internal sealed class CausalEdgeQueryHandler(AgentMemory memory, bool effects) : MemoryOperation<CausalEdgeQueryRequest, CausalEdgeQueryResponse>(memory)
{
    protected override ValueTask<CausalEdgeQueryResponse> ExecuteAsync(CausalEdgeQueryRequest message, CancellationToken cancellationToken)
    {
        var options = new CausalEdgeQueryOptions
        {
            MinConfidence = message.MinConfidence,
            MinUplift = message.MinUplift,
            Limit = message.Limit,
            WithCertificate = message.WithCertificate,
        };
        var result = effects ? Memory.Causal.QueryEffects(message.MemoryId, options) : Memory.Causal.GetCausesOf(message.MemoryId, options);
        return ValueTask.FromResult(new CausalEdgeQueryResponse(MemoryConversions.ToWire(result.Edges), MemoryConversions.ToWire(result.Certificate)));
    }
}
