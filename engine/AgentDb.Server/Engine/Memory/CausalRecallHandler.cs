using AgentDb.Memory;
using AgentDb.Memory.Causal;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Engine.Memory;

/// <summary>CAUSAL_RECALL: episodes ranked by α · similarity + β · uplift.</summary>
internal sealed class CausalRecallHandler(AgentMemory memory) : MemoryOperation<CausalRecallRequest, CausalRecallResponse>(memory)
{
    protected override ValueTask<CausalRecallResponse> ExecuteAsync(CausalRecallRequest message, CancellationToken cancellationToken)
    {
        var result = Memory.Causal.CausalRecall(message.Text, message.Vector, new CausalRecallOptions
        {
            K = message.K,
            SimilarityWeight = message.SimilarityWeight,
            UpliftWeight = message.UpliftWeight,
            MinConfidence = message.MinConfidence,
            Target = message.Target,
            CandidateFactor = message.CandidateFactor,
            WithCertificate = message.WithCertificate,
        });
        var items = new WireCausalRecallItem[result.Items.Count];
        for (var i = 0; i < items.Length; i++)
        {
            var item = result.Items[i];
            items[i] = new WireCausalRecallItem(
                item.MemoryId, item.Shard, item.Payload, item.Similarity, item.Uplift, item.Score,
                item.SupportingEdge is null ? null : MemoryConversions.ToWire(item.SupportingEdge));
        }
        return ValueTask.FromResult(new CausalRecallResponse(items, result.Candidates, MemoryConversions.ToWire(result.Certificate)));
    }
}
