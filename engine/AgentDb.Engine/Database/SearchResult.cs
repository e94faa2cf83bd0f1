namespace AgentDb;

/// <summary>One vector search hit: the record and its distance to the query (smaller is nearer).</summary>
/// <param name="Record">The matching record.</param>
/// <param name="Distance">The distance under the collection's metric.</param>
public sealed record SearchResult(StoredRecord Record, float Distance);
