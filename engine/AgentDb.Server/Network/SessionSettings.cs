using AgentDb.Server.Network.Auth;
using AgentDb.Server.Network.Handlers;

namespace AgentDb.Server.Network;

/// <summary>What every session of one server shares.</summary>
/// <param name="Handlers">Who executes operations other than HELLO and PING.</param>
/// <param name="Keys">The accepted API keys.</param>
/// <param name="Limits">The limits to enforce.</param>
/// <param name="Metrics">Where to count.</param>
/// <param name="ServerName">Sent in HELLO's response, e.g. "agentdb/0.1.0".</param>
/// <param name="Log">Receives unexpected handler failures (thread-safe writer).</param>
internal sealed record SessionSettings(
    RequestHandlerRegistry Handlers,
    ApiKeyStore Keys,
    ServerLimits Limits,
    ServerMetrics Metrics,
    string ServerName,
    TextWriter Log)
{
    /// <summary>
    /// A test seam: runs on the finishing thread right after an answer completed off the read loop was queued for
    /// writing, before the session's bookkeeping of that request ends (null in production).
    /// </summary>
    internal Action? AfterAnswerQueued { get; init; }
}
