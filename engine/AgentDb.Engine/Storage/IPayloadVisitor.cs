namespace AgentDb.Storage;

/// <summary>Receives each record's payload (payload index rebuilds); implemented by structs so calls devirtualise.</summary>
internal interface IPayloadVisitor
{
    /// <param name="internalId">The record's internal (vector index) id.</param>
    /// <param name="payload">Its payload; valid only during the call.</param>
    void Visit(long internalId, ReadOnlySpan<byte> payload);
}
