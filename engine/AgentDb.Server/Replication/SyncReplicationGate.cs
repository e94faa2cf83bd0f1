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
    public async ValueTask<HandlerResult> HandleAsync(HandlerRequest request, IBufferWriter<byte> responseBody, CancellationToken cancellationToken)
    {
        var result = await inner.HandleAsync(request, responseBody, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            return result;
        }
        var replicas = WriteConcern.Replicas(request, configuredReplicas);
        if (replicas == 0)
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
