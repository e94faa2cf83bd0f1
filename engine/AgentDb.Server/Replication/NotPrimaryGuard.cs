using System.Buffers;
using AgentDb.Server.Network.Handlers;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Replication;

/// <summary>Wraps a write operation's handler on a replica: NOT_PRIMARY with the primary's address while the database is a replica.</summary>
internal sealed class NotPrimaryGuard(IRequestHandler inner, AgentDatabase database, string primaryAddress) : IRequestHandler
{
    public async ValueTask<HandlerResult> HandleAsync(HandlerRequest request, IBufferWriter<byte> responseBody, CancellationToken cancellationToken)
    {
        if (database.Role == DatabaseRole.Replica)
        {
            return Refusal();
        }
        try
        {
            return await inner.HandleAsync(request, responseBody, cancellationToken).ConfigureAwait(false);
        }
        catch (NotPrimaryException)
        {
            return Refusal();
        }
    }

    private HandlerResult Refusal() => HandlerResult.Error(ErrorCode.NotPrimary,
        $"this server is a replica of {primaryAddress}; send writes to the primary", primaryAddress);
}
