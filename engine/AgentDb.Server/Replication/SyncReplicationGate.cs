using System.Buffers;
using System.Globalization;
using AgentDb.Server.Network.Handlers;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Replication;

/// <summary>
/// Wraps a write operation's handler on a primary: in <c>sync</c> mode — the server's (<paramref name="configuredReplicas"/>
/// above 0) or the request's own <c>w</c> (<see cref="WriteConcern"/>), which takes precedence — the answer waits until
/// that many replicas acknowledged (applied durably) an LSN at least the write's; after the timeout the write, applied on the primary,
/// is answered NOT_REPLICATED. The LSN waited for is the database's applied LSN right after the write, which covers
/// the write (and perhaps writes applied just after it).
/// </summary>
internal sealed class SyncReplicationGate(
    IRequestHandler inner, AgentDatabase database, ReplicationSource source, int configuredReplicas, TimeSpan timeout) : IRequestHandler
{
    public ValueTask<HandlerResult> HandleAsync(HandlerRequest request, IBufferWriter<byte> responseBody, CancellationToken cancellationToken)
    {
        // Read before the write (a malformed body reads as "no w" and the handler refuses it): an async write that asks
        // for nothing goes straight to the handler, without a second state machine.
        var replicas = WriteConcern.Replicas(request, configuredReplicas);
        return replicas == 0
            ? inner.HandleAsync(request, responseBody, cancellationToken)
            : HandleAndWaitAsync(request, responseBody, replicas, cancellationToken);
    }

    private async ValueTask<HandlerResult> HandleAndWaitAsync(
        HandlerRequest request, IBufferWriter<byte> responseBody, int replicas, CancellationToken cancellationToken)
    {
        var result = await inner.HandleAsync(request, responseBody, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            return result;
        }
        var lsn = database.AppliedLsn;
        if (await source.WaitForReplicasAsync(lsn, replicas, timeout, cancellationToken).ConfigureAwait(false))
        {
            return result;
        }
        return HandlerResult.Error(ErrorCode.NotReplicated, string.Create(CultureInfo.InvariantCulture,
            $"the write is applied on the primary (LSN ≤ {lsn}) but fewer than {replicas} replica(s) acknowledged it within {timeout.TotalMilliseconds:0} ms; it may be lost if the primary fails"));
    }
}
