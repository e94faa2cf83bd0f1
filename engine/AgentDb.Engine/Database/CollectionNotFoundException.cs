namespace AgentDb;

/// <summary>An operation named a collection that does not exist.</summary>
public sealed class CollectionNotFoundException : KeyNotFoundException
{
    /// <summary>Creates the exception for <paramref name="collectionName"/>.</summary>
    public CollectionNotFoundException(string collectionName)
        : base($"The collection '{collectionName}' does not exist.")
    {
        CollectionName = collectionName;
    }

    /// <summary>The name that was not found.</summary>
    public string CollectionName { get; }
}
