using System.Buffers;
using System.Globalization;
using AgentDb.Server.Network.Handlers;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Replication;

/// <summary>
/// Read-your-writes for GET and SEARCH: a request carrying <c>minLsn</c> (above 0) is served only once the database
/// applied at least that LSN to its records and its indexes (<see cref="AgentDatabase.VisibleLsn"/>: a SEARCH must find
/// the write's vector, not only its record), so a client that wrote on the primary sees its write on a replica. The wait is bounded by
/// <paramref name="maxWait"/> (config <c>minLsnWaitMs</c>); after it the answer is BUSY, naming the applied LSN (the
/// client's pool retries BUSY). A request without the field costs one array header read. The applied LSN is polled
/// (every millisecond at first, backing off to 10 ms): it advances from the replica's apply loop or from local writes,
/// and a read that has to wait is the exception.
/// </summary>
internal sealed class MinLsnGate(IRequestHandler inner, AgentDatabase database, int minLsnField, TimeSpan maxWait) : IRequestHandler
{
    public ValueTask<HandlerResult> HandleAsync(HandlerRequest request, IBufferWriter<byte> responseBody, CancellationToken cancellationToken)
    {
        // A malformed body goes to the handler, whose decoder answers BAD_REQUEST with the reason.
        if (!OptionalFields.TryReadUInt64(request.Body, minLsnField, out var minLsn) || minLsn == 0 || Applied() >= minLsn)
        {
            return inner.HandleAsync(request, responseBody, cancellationToken);
        }
        // The body may be lent only for this call (ReadsBodyOnlyDuringCall): a request that waits keeps a copy.
        return WaitThenHandleAsync(request with { Body = request.Body.ToArray() }, responseBody, minLsn, cancellationToken);
    }

    /// <summary>As the inner handler's: a request that waits here reads a copy of its body.</summary>
    public bool ReadsBodyOnlyDuringCall => inner.ReadsBodyOnlyDuringCall;

    private ulong Applied() => (ulong)Math.Max(database.VisibleLsn, 0);

    private async ValueTask<HandlerResult> WaitThenHandleAsync(
        HandlerRequest request, IBufferWriter<byte> responseBody, ulong minLsn, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + maxWait;
        var delay = 1;
        while (Applied() < minLsn)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                return HandlerResult.Error(ErrorCode.Busy, string.Create(CultureInfo.InvariantCulture,
                    $"this server has applied LSN {Applied()}, below the requested minLsn {minLsn}, after waiting {maxWait.TotalMilliseconds:0} ms; retry, or read from the primary"));
            }
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(delay, Math.Max(1, left.TotalMilliseconds))), cancellationToken).ConfigureAwait(false);
            delay = Math.Min(delay * 2, 10);
        }
        return await inner.HandleAsync(request, responseBody, cancellationToken).ConfigureAwait(false);
    }
}
