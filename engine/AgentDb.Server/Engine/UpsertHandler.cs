using AgentDb.Wire.Messages;

namespace AgentDb.Server.Engine;

/// <summary>UPSERT: writes the record, durable per the database's mode when answered. A nil vector keeps the stored
/// one (PROTOCOL.md); <c>created</c> and the kept vector are read just before the write, so two concurrent upserts of
/// one new id may both report created.</summary>
internal sealed class UpsertHandler(AgentDatabase database)
    : EngineOperation<UpsertRequest, UpsertResponse>(database)
{
    protected override async ValueTask<UpsertResponse> ExecuteAsync(UpsertRequest message, CancellationToken cancellationToken)
    {
        var existed = Database.TryGet(message.Collection, message.Id, out var existing);
        var vector = message.Vector;
        if (vector.IsEmpty && existing?.Vector is { } stored)
        {
            vector = stored;
        }
        var lsn = await Database.UpsertAsync(message.Collection, message.Id, message.Payload, vector, cancellationToken)
            .ConfigureAwait(false);
        return new UpsertResponse(EngineHandlers.ToVersion(lsn), !existed);
    }
}
