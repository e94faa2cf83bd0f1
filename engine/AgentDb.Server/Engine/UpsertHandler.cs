using AgentDb.Server.Network.Handlers;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Engine;

/// <summary>UPSERT: writes the record, durable per the database's mode when answered. A nil vector keeps the stored
/// one, and is BAD_REQUEST for an id that does not exist (PROTOCOL.md: a record of a vector collection is created with
/// its vector). <c>created</c> and the kept vector are read just before the write, so two concurrent upserts of one new
/// id may both report created.</summary>
internal sealed class UpsertHandler(AgentDatabase database)
    : EngineOperation<UpsertRequest, UpsertResponse>(database)
{
    protected override async ValueTask<UpsertResponse> ExecuteAsync(UpsertRequest message, CancellationToken cancellationToken)
    {
        ThrowIfMemoryCollection(message.Collection);
        var existed = Database.TryGet(message.Collection, message.Id, out var existing);
        var vector = message.Vector;
        if (vector.IsEmpty)
        {
            if (!existed)
            {
                throw MissingVector(message.Collection, message.Id);
            }
            if (existing?.Vector is { } stored)
            {
                vector = stored;
            }
        }
        var lsn = await Database.UpsertAsync(message.Collection, message.Id, message.Payload, vector, cancellationToken)
            .ConfigureAwait(false);
        return new UpsertResponse(EngineHandlers.ToVersion(lsn), !existed);
    }

    /// <summary>The BAD_REQUEST for a nil vector on an id that does not exist (UPSERT and BATCH alike).</summary>
    internal static RequestException MissingVector(string collection, string id) =>
        new(ErrorCode.BadRequest, $"record '{id}' does not exist in collection '{collection}': a new record needs a vector");
}
