using AgentDb.Wire.Messages;

namespace AgentDb.Server.Engine;

/// <summary>BATCH: applies every operation atomically (one log entry) or none; an invalid operation (two on one id
/// included) or an unknown collection writes nothing. An upsert without a vector keeps the stored vector, and is
/// BAD_REQUEST (nothing written) for an id that does not exist, as for UPSERT (PROTOCOL.md); the stored record is read
/// just before the write, so, as for UPSERT, a concurrent write of the same id in between can be overtaken.</summary>
/// <remarks>The engine's <see cref="RecordBatch"/> itself stores an upsert without a vector as a record without one;
/// the protocol's "nil keeps the stored vector" is the server's rule, applied here and in <see cref="UpsertHandler"/>.</remarks>
internal sealed class BatchHandler(AgentDatabase database)
    : EngineOperation<BatchRequest, BatchResponse>(database)
{
    protected override async ValueTask<BatchResponse> ExecuteAsync(BatchRequest message, CancellationToken cancellationToken)
    {
        ThrowIfMemoryCollection(message.Collection);
        var batch = new RecordBatch();
        foreach (var operation in message.Operations)
        {
            if (operation.Kind == BatchOperationKind.Delete)
            {
                batch.Delete(message.Collection, operation.Id);
                continue;
            }
            var vector = operation.Vector;
            if (vector.IsEmpty)
            {
                if (!Database.TryGet(message.Collection, operation.Id, out var existing))
                {
                    throw UpsertHandler.MissingVector(message.Collection, operation.Id);
                }
                if (existing.Vector is { } stored)
                {
                    vector = stored;
                }
            }
            batch.Upsert(message.Collection, operation.Id, operation.Payload.Span, vector.Span);
        }
        var lsn = await Database.BatchAsync(batch, cancellationToken).ConfigureAwait(false);
        return new BatchResponse(batch.Count, EngineHandlers.ToVersion(lsn));
    }
}
