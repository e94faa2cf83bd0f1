using AgentDb.Memory;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Engine.Memory;

/// <summary>CAUSAL_GET_EDGE: one edge by its key; NOT_FOUND when there is none.</summary>
internal sealed class CausalGetEdgeHandler(AgentMemory memory) : MemoryOperation<CausalEdgeKeyRequest, CausalEdgeResponse>(memory)
{
    protected override ValueTask<CausalEdgeResponse> ExecuteAsync(CausalEdgeKeyRequest message, CancellationToken cancellationToken)
    {
        var edge = Memory.Causal.GetEdge(message.From, message.To, message.Mechanism)
            ?? throw new KeyNotFoundException($"there is no causal edge from '{message.From}' to '{message.To}' with mechanism '{message.Mechanism}'");
        return ValueTask.FromResult(new CausalEdgeResponse(MemoryConversions.ToWire(edge)));
    }
}
