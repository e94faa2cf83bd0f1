using System.Runtime.InteropServices;

namespace AgentDb.Server.Hosting;

/// <summary>
/// Turns the first SIGTERM or SIGINT (Ctrl+C) into a cancelled <see cref="Token"/> instead of an abrupt exit, so the
/// server can stop in order. A second signal is left to the runtime's default, which ends the process at once.
/// Create it before announcing readiness, so a signal sent right after the announcement is never missed.
/// </summary>
internal sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource _requested = new();
    private readonly PosixSignalRegistration _terminate;
    private readonly PosixSignalRegistration _interrupt;

    /// <summary>Starts listening for SIGTERM and SIGINT.</summary>
    public ShutdownSignal()
    {
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
    }

    /// <summary>Cancelled when the first shutdown signal arrives.</summary>
    public CancellationToken Token => _requested.Token;

    /// <summary>Stops listening and restores the default signal handling.</summary>
    public void Dispose()
    {
        _terminate.Dispose();
        _interrupt.Dispose();
        _requested.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (_requested.IsCancellationRequested)
        {
            return;
        }
        context.Cancel = true;
        _requested.Cancel();
    }
}
