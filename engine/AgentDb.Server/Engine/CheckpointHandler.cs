using AgentDb.Wire.Messages;

namespace AgentDb.Server.Engine;

/// <summary>CHECKPOINT: flushes the record store and truncates the log; answers the applied LSN, below which
/// everything is in the data files.</summary>
internal sealed class CheckpointHandler(AgentDatabase database)
    : EngineOperation<EmptyMessage, CheckpointResponse>(database)
{
    protected override async ValueTask<CheckpointResponse> ExecuteAsync(EmptyMessage message, CancellationToken cancellationToken)
    {
        // A flush is blocking I/O: keep it off the session's thread.
        await Task.Run(Database.Checkpoint, cancellationToken).ConfigureAwait(false);
        return new CheckpointResponse(EngineHandlers.ToVersion(Database.GetStats().AppliedLsn));
    }
}
