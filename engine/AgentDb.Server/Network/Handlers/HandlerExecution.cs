namespace AgentDb.Server.Network.Handlers;

/// <summary>Where a session runs a handler.</summary>
internal enum HandlerExecution
{
    /// <summary>On the connection's read loop, which with the socket transport's inline scheduling is an I/O thread:
    /// for handlers that are quick or soon await (GET, UPSERT). No thread switch.</summary>
    Inline,

    /// <summary>On the thread pool: for handlers that may compute or block for long (SEARCH's scans, CHECKPOINT's
    /// flush, dropping a collection), so the I/O thread goes on serving its other connections meanwhile.</summary>
    ThreadPool,
}
