namespace AgentDb.Server.Network;

/// <summary>
/// How .NET's socket engine runs this process's socket completions, chosen once at startup before any socket exists.
/// </summary>
/// <remarks>
/// By default .NET's epoll thread hands every completed receive to the thread pool: one futex wake-up, a thread-pool
/// worker, and often a <c>sched_yield</c> per request. With <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c> the
/// epoll threads (one per processor) run the continuation themselves, like Redis's event loop: the session parses,
/// answers and flushes on the thread that saw the data. Measured on the GET benchmark (issue 6, docs/BENCHMARKS.md):
/// epoll_wait calls per request 0.67 → 0.1, futex and sched_yield calls gone, server CPU per GET at depth 1 about 12 %
/// lower. The cost: a handler that blocks synchronously holds every connection of its epoll thread, so handlers that
/// compute for long run on the thread pool (<see cref="Handlers.HandlerExecution.ThreadPool"/>).
/// <para>
/// The runtime reads the variable once, when the first socket is created, from the process environment; so
/// <see cref="Apply"/> runs before any socket exists: for <c>agentdb serve</c> as a standalone server (after its
/// configuration is read, before it opens anything on the network) and for <c>agentdb bench server</c> (whose child
/// server inherits it). Cluster members and replicas keep the runtime's default: the failover code waits synchronously
/// for a follower to stop (<c>ClusterMember.Follow</c>), which on an epoll thread could wait for that thread itself. A
/// value already set in the environment wins (set it to <c>0</c> to keep the thread-pool dispatch).
/// </para>
/// </remarks>
internal static class SocketEngineSettings
{
    /// <summary>The runtime's switch (read by <c>System.Net.Sockets.SocketAsyncEngine</c> on Unix).</summary>
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Turns inline socket completions on unless the environment already says otherwise.</summary>
    /// <returns>True when this call set the variable.</returns>
    public static bool Apply()
    {
        if (Environment.GetEnvironmentVariable(InlineCompletionsVariable) is not null)
        {
            return false;
        }
        Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
        return true;
    }
}
