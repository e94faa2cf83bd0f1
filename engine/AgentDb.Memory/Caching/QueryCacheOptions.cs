namespace AgentDb.Memory.Caching;

/// <summary>Settings of the <see cref="QueryCache"/>.</summary>
public sealed record QueryCacheOptions
{
    /// <summary>Whether results are cached at all (default true).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>How long an entry may be served (default 60 s); writes invalidate earlier.</summary>
    public TimeSpan TimeToLive { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The most entries kept (default 10,000); the oldest go first.</summary>
    public int MaxEntries { get; init; } = 10_000;

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        if (TimeToLive <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(TimeToLive), TimeToLive, "TimeToLive must be positive.");
        }

        if (MaxEntries < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxEntries), MaxEntries, "MaxEntries must be at least 1.");
        }
    }
}
