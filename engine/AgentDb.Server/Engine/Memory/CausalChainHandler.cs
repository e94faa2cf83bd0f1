using AgentDb.Memory;
using AgentDb.Memory.Causal;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Engine.Memory;

/// <summary>CAUSAL_CHAIN: the strongest chain from cause to effect within the depth and work budget.</summary>
internal sealed class CausalChainHandler(AgentMemory memory) : MemoryOperation<CausalChainRequest, CausalChainResponse>(memory)
{
    protected override ValueTask<CausalChainResponse> ExecuteAsync(CausalChainRequest message, CancellationToken cancellationToken)
    {
        var chain = Memory.Causal.GetCausalChain(message.From, message.To, new CausalChainOptions
        {
            MaxDepth = message.MaxDepth,
            MinConfidence = message.MinConfidence,
            MinUplift = message.MinUplift,
            MaxExpandedNodes = message.MaxExpandedNodes,
            WithCertificate = message.WithCertificate,
        });
        return ValueTask.FromResult(new CausalChainResponse(
            chain.Found, MemoryConversions.ToWire(chain.Edges), chain.Strength, chain.Truncated, chain.ExpandedNodes,
            MemoryConversions.ToWire(chain.Certificate)));
    }
}
