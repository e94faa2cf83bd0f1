namespace AgentDb.Storage;

/// <summary>What applying one <see cref="RecordWrite"/> did, for the owner to mirror in the vector index.</summary>
/// <param name="Applied">False when the write was skipped (its collection no longer exists).</param>
/// <param name="Existed">Whether a record with the id existed before the write.</param>
/// <param name="InternalId">The record's internal (vector index) id: kept across upserts, 0 when nothing exists.</param>
/// <param name="HasVector">Whether the record holds a vector after the write (false for deletes).</param>
internal readonly record struct RecordWriteOutcome(bool Applied, bool Existed, long InternalId, bool HasVector);
