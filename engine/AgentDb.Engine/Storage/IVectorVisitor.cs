namespace AgentDb.Storage;

/// <summary>Receives each stored vector of a collection (index rebuilds); implemented by structs so calls devirtualise.</summary>
internal interface IVectorVisitor
{
    /// <param name="internalId">The record's internal (vector index) id.</param>
    /// <param name="lsn">The LSN of the write that last changed the record.</param>
    /// <param name="vector">Its vector.</param>
    void Visit(long internalId, long lsn, ReadOnlySpan<float> vector);
}
