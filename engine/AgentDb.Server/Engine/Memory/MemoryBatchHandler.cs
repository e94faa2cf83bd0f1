using AgentDb.Memory;
using AgentDb.Server.Network.Handlers;
using AgentDb.Wire.Messages;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Engine.Memory;

/// <summary>
/// MEMORY_BATCH: queues every operation on one <see cref="MemoryBatch"/> and executes it as one atomic write. Any
/// failure (a bad operation, a graph edge to a missing node, a batch spanning stores) writes nothing. A batch spanning
/// stores (<see cref="InvalidOperationException"/>) is BAD_REQUEST.
/// </summary>
internal sealed class MemoryBatchHandler(AgentMemory memory) : MemoryOperation<MemoryBatchRequest, MemoryIdListResponse>(memory)
{
    protected override async ValueTask<MemoryIdListResponse> ExecuteAsync(MemoryBatchRequest message, CancellationToken cancellationToken)
    {
        var batch = Memory.CreateBatch();
        var ids = new string?[message.Operations.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            var operation = message.Operations[i];
            ids[i] = operation.Kind switch
            {
                MemoryBatchOperationKind.StoreEpisode => batch.StoreEpisode(MemoryConversions.ToEpisode(operation.Episode!)),
                MemoryBatchOperationKind.CreateSkill => NoId(batch.CreateSkill(MemoryConversions.ToSkill(operation.Skill!))),
                MemoryBatchOperationKind.UpsertSkill => NoId(batch.UpsertSkill(MemoryConversions.ToSkill(operation.Skill!))),
                MemoryBatchOperationKind.AddCausalEdge => batch.AddCausalEdge(
                    operation.CausalEdge!.From, operation.CausalEdge.To, operation.CausalEdge.Mechanism, operation.CausalEdge.Uplift,
                    operation.CausalEdge.Confidence, operation.CausalEdge.SampleSize, operation.CausalEdge.EvidenceIds),
                MemoryBatchOperationKind.RemoveCausalEdge => NoId(batch.RemoveCausalEdge(
                    operation.CausalEdgeKey!.From, operation.CausalEdgeKey.To, operation.CausalEdgeKey.Mechanism)),
                MemoryBatchOperationKind.AddNode => batch.AddNode(MemoryConversions.ToNodeInput(operation.Node!)),
                MemoryBatchOperationKind.UpsertNode => batch.UpsertNode(MemoryConversions.ToNodeInput(operation.Node!)),
                MemoryBatchOperationKind.DeleteNode => NoId(batch.DeleteNode(operation.Id!)),
                MemoryBatchOperationKind.AddEdge => batch.AddEdge(MemoryConversions.ToEdgeInput(operation.Edge!)),
                MemoryBatchOperationKind.DeleteEdge => NoId(batch.DeleteEdge(operation.Id!)),
                _ => throw new ArgumentException($"operation {i} has unknown kind {(int)operation.Kind}", nameof(message)),
            };
        }
        await batch.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        return new MemoryIdListResponse(ids);
    }

    protected override RequestException? Map(Exception failure) =>
        base.Map(failure) ?? (failure is InvalidOperationException e ? new RequestException(ErrorCode.BadRequest, e.Message) : null);

    /// <summary>An operation without an id: its result is nil.</summary>
    private static string? NoId(MemoryBatch queued)
    {
        _ = queued;
        return null;
    }
}
