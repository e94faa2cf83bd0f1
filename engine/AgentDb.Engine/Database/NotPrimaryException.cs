namespace AgentDb;

/// <summary>A client write reached a database opened as a replica (<see cref="DatabaseRole.Replica"/>).</summary>
public sealed class NotPrimaryException : InvalidOperationException
{
    /// <summary>Creates the exception for the database at <paramref name="path"/>.</summary>
    public NotPrimaryException(string path)
        : base($"The database '{path}' is a replica and refuses client writes; write to its primary.")
    {
        DatabasePath = path;
    }

    /// <summary>The replica's directory.</summary>
    public string DatabasePath { get; }
}
