namespace AgentDb.Kernels;

/// <summary>
/// How the distance between two vectors is measured. Smaller distances are nearer.
/// </summary>
/// <remarks>
/// Persisted in segment headers and on the wire: values are explicit and append-only; never renumber.
/// </remarks>
public enum DistanceMetric : byte
{
    /// <summary>Cosine distance, <c>1 - cos(a, b)</c>, in [0, 2]. A zero vector is at distance 1 from everything.</summary>
    Cosine = 1,

    /// <summary>Squared Euclidean distance, <c>sum((a - b)^2)</c>.</summary>
    L2Squared = 2,

    /// <summary>Negated inner product, <c>-dot(a, b)</c>, so that a larger inner product is nearer.</summary>
    Dot = 3,
}
