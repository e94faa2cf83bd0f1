namespace AgentDb.Client;

/// <summary>Settings of an <see cref="AgentDbClientPool"/>.</summary>
public sealed class AgentDbClientPoolOptions
{
    /// <summary>Connections the pool keeps open (1–1024), each pipelined; a request goes to the one with the fewest
    /// requests in flight. Default 4.</summary>
    public int Connections { get; init; } = 4;

    /// <summary>Tries per request, the first included (1 disables retries). Default 4. Only transient failures are
    /// retried: see <see cref="AgentDbRetryPolicy"/>.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>The wait before the first retry; doubled for each further one (with up to 50% random extra), capped by
    /// <see cref="MaxRetryDelay"/>. Default 5 ms.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>The longest wait between two tries. Default 500 ms.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How many NOT_PRIMARY answers one request may follow to the primary they name (0 disables following).
    /// Default 3: enough for a leader change, never a loop.</summary>
    public int MaxRedirects { get; init; } = 3;

    /// <summary>The settings of each connection (timeouts, TLS, client name).</summary>
    public AgentDbClientOptions Client { get; init; } = AgentDbClientOptions.Default;

    /// <summary>The defaults.</summary>
    public static AgentDbClientPoolOptions Default { get; } = new();
}
