namespace AgentDb.Memory.Reflexion;

/// <summary>A retrieved episode and how close its task is to the query.</summary>
/// <param name="Episode">The episode.</param>
/// <param name="Distance">Cosine distance between the query and the episode's task vector (0 = same direction).</param>
/// <param name="Shard">The session shard the episode lives in.</param>
public sealed record EpisodeMatch(Episode Episode, float Distance, int Shard)
{
    /// <summary>Cosine similarity, <c>1 − Distance</c>.</summary>
    public float Similarity => 1f - Distance;
}
