namespace AgentDb;

/// <summary>Another <see cref="AgentDatabase"/> (in this or another process) holds the database directory open.</summary>
public sealed class DatabaseLockedException : IOException
{
    /// <summary>Creates the exception for <paramref name="directory"/>.</summary>
    public DatabaseLockedException(string directory, Exception? inner = null)
        : base($"The database directory '{directory}' is already open in another instance or process (its LOCK file is held).", inner)
    {
        Directory = directory;
    }

    /// <summary>The database directory that is locked.</summary>
    public string Directory { get; }
}
