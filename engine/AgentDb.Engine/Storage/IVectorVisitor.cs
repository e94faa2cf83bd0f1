namespace AgentDb.Storage;

/// <summary>Receives each stored vector of a collection (index rebuilds); implemented by structs so calls devirtualise.</summary>
internal interface IVectorVisitor
{
    void Visit(long internalId, ReadOnlySpan<float> vector);
}
