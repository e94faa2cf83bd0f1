using AgentDb.Wire.Messages;

namespace AgentDb.Server.Engine;

/// <summary>BATCH: applies every operation atomically (one log entry) or none; an invalid operation or an unknown
/// collection writes nothing. An upsert without a vector stores the record without one.</summary>
internal sealed class BatchHandler(AgentDatabase database)
    : EngineOperation<BatchRequest, BatchResponse>(database)
{
    protected override async ValueTask<BatchResponse> ExecuteAsync(BatchRequest message, CancellationToken cancellationToken)
    {
        var batch = new RecordBatch();
        foreach (var operation in message.Operations)
        {
            if (operation.Kind == BatchOperationKind.Delete)
            {
                batch.Delete(message.Collection, operation.Id);
            }
            else
            {
                batch.Upsert(message.Collection, operation.Id, operation.Payload.Span, operation.Vector.Span);
            }
        }
        var lsn = await Database.BatchAsync(batch, cancellationToken).ConfigureAwait(false);
        return new BatchResponse(batch.Count, EngineHandlers.ToVersion(lsn));
    }
}
