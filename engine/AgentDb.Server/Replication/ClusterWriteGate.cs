using System.Buffers;
using System.Globalization;
using AgentDb.Server.Network.Handlers;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Replication;

/// <summary>
/// Wraps a write operation's handler in a failover cluster: the write runs only while this node is the primary and
/// holds its lease (else NOT_PRIMARY naming the leader); in <c>sync</c> mode the answer waits for W replicas (else
/// NOT_REPLICATED); and the lease is checked again before the write is acknowledged, so that a primary whose term ended
/// meanwhile (a pause, a partition) acknowledges nothing. W is the request's own <c>w</c> when it sent one, else the
/// configured <c>syncReplicas</c> (<see cref="WriteConcern"/>). <paramref name="replicated"/> false (the agent memory's
/// writes, which are not replicated): no wait for replicas.
/// </summary>
internal sealed class ClusterWriteGate(IRequestHandler inner, ClusterMember member, bool replicated = true) : IRequestHandler
{
    public async ValueTask<HandlerResult> HandleAsync(HandlerRequest request, IBufferWriter<byte> responseBody, CancellationToken cancellationToken)
    {
        var primary = member.WritablePrimary;
        if (primary is null)
        {
            return member.Refusal("this server is not the primary");
        }
        HandlerResult result;
        try
        {
            result = await inner.HandleAsync(request, responseBody, cancellationToken).ConfigureAwait(false);
        }
        catch (NotPrimaryException)
        {
            return member.Refusal("this server stopped being the primary");
        }
        if (!result.IsSuccess)
        {
            return result;
        }
        var replicas = replicated ? WriteConcern.Replicas(request, member.Settings.SyncReplicas) : 0;
        if (replicas > 0)
        {
            var lsn = member.Database.AppliedLsn;
            if (!await primary.Source.WaitForReplicasAsync(lsn, replicas, member.Settings.SyncTimeout, cancellationToken).ConfigureAwait(false))
            {
                return HandlerResult.Error(ErrorCode.NotReplicated, string.Create(CultureInfo.InvariantCulture,
                    $"the write is applied on the primary (LSN ≤ {lsn}) but fewer than {replicas} replica(s) acknowledged it within {member.Settings.SyncTimeout.TotalMilliseconds:0} ms; it may be lost on failover"));
            }
        }
        if (!member.Coordinator.HoldsLease(primary.Epoch))
        {
            return member.Refusal($"the term of epoch {primary.Epoch} ended before the write was acknowledged (it may be lost)");
        }
        return result;
    }
}
