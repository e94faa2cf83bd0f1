using System.Buffers;
using AgentDb.Server.Network.Handlers;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Tests.Network;

/// <summary>STATS that answers at once, or after <see cref="Delay"/> when the collection is "slow".</summary>
internal sealed class DelayingStatsHandler : MessageHandler<StatsRequest, StatsResponse>
{
    public static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(400);

    protected override async ValueTask<StatsResponse> HandleAsync(
        StatsRequest message, HandlerRequest request, CancellationToken cancellationToken)
    {
        if (message.Collection == "slow")
        {
            await Task.Delay(Delay, cancellationToken);
        }
        if (message.Collection == "yield")
        {
            await Task.Yield(); // answered from the thread pool, not from the connection's read loop
        }
        if (message.Collection == "missing")
        {
            throw new RequestException(ErrorCode.NotFound, "collection 'missing' does not exist");
        }
        if (message.Collection == "crash")
        {
            throw new InvalidOperationException("handler bug");
        }
        return new StatsResponse([new KeyValuePair<string, long>("request.id", (long)request.RequestId)]);
    }
}

/// <summary>STATS that holds "slow" requests until <see cref="Release"/> (bounded by 30 s), and answers others at once.</summary>
internal sealed class GatedStatsHandler : MessageHandler<StatsRequest, StatsResponse>
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _gate.TrySetResult();

    protected override async ValueTask<StatsResponse> HandleAsync(
        StatsRequest message, HandlerRequest request, CancellationToken cancellationToken)
    {
        if (message.Collection == "slow")
        {
            await _gate.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }
        return new StatsResponse([new KeyValuePair<string, long>("request.id", (long)request.RequestId)]);
    }
}

/// <summary>UPSERT that reports the size of the body it received, as the version.</summary>
internal sealed class BodySizeUpsertHandler : MessageHandler<UpsertRequest, UpsertResponse>
{
    protected override ValueTask<UpsertResponse> HandleAsync(
        UpsertRequest message, HandlerRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new UpsertResponse((ulong)request.Body.Length, true));
}

/// <summary>Holds every request until <see cref="Release"/>; counts how many started.</summary>
internal sealed class GatedHandler : IRequestHandler
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _started;

    public int Started => Volatile.Read(ref _started);

    public void Release() => _gate.TrySetResult();

    public async ValueTask<HandlerResult> HandleAsync(
        HandlerRequest request, IBufferWriter<byte> responseBody, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _started);
        await _gate.Task.WaitAsync(cancellationToken);
        MessageCodec.Encode(responseBody, new DeleteResponse(true));
        return HandlerResult.Success;
    }
}
