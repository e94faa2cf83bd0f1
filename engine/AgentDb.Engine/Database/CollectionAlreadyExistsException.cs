namespace AgentDb;

/// <summary><see cref="AgentDatabase.CreateCollection"/> named a collection that already exists.</summary>
public sealed class CollectionAlreadyExistsException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="collectionName"/>.</summary>
    public CollectionAlreadyExistsException(string collectionName)
        : base($"The collection '{collectionName}' already exists.")
    {
        CollectionName = collectionName;
    }

    /// <summary>The name that already exists.</summary>
    public string CollectionName { get; }
}
