namespace AgentDb;

/// <summary>
/// <see cref="AgentDatabase.CreateCollection(string, int, Kernels.DistanceMetric, int, int)"/> named a collection that already exists, or
/// <see cref="AgentDatabase.EnsureCollection"/> one that exists with other settings.
/// </summary>
public sealed class CollectionAlreadyExistsException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="collectionName"/>.</summary>
    public CollectionAlreadyExistsException(string collectionName)
        : base($"The collection '{collectionName}' already exists.")
    {
        CollectionName = collectionName;
    }

    /// <summary>Creates the exception for <paramref name="collectionName"/> with a message of its own (e.g. naming the existing settings).</summary>
    public CollectionAlreadyExistsException(string collectionName, string message)
        : base(message)
    {
        CollectionName = collectionName;
    }

    /// <summary>The name that already exists.</summary>
    public string CollectionName { get; }
}
