namespace AgentDb.Memory.Causal;

/// <summary>One memory a causal recall returned, with both components of its score. Immutable.</summary>
/// <param name="MemoryId">The episode's id.</param>
/// <param name="Shard">The reflexion shard that holds it.</param>
/// <param name="Payload">The episode's stored payload (a MessagePack map), as read.</param>
/// <param name="Similarity">1 − cosine distance to the query, in [−1, 1].</param>
/// <param name="Uplift">The largest uplift among the memory's qualifying outgoing edges; 0 when it has none.</param>
/// <param name="Score">α · <paramref name="Similarity"/> + β · <paramref name="Uplift"/>.</param>
/// <param name="SupportingEdge">The edge that gave <paramref name="Uplift"/>, or null when none qualified.</param>
public sealed record CausalRecallItem(string MemoryId, int Shard, ReadOnlyMemory<byte> Payload, double Similarity, double Uplift, double Score, CausalEdge? SupportingEdge);
